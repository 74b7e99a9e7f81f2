//! Measuring for the benchmarks: variants run in interleaved rounds (so that the noise of a
//! shared machine hits all of them alike), each round timed, and the median reported, with
//! ratios against a baseline measured in the same run.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// One variant's rounds.
pub struct Variant<'a> {
    pub name: &'a str,
    pub rounds: Vec<Duration>,
}

impl Variant<'_> {
    pub fn median(&self) -> Duration {
        let mut rounds = self.rounds.clone();
        rounds.sort();
        rounds[rounds.len() / 2]
    }
}

/// Times `run` once.
pub fn time<T>(run: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let value = run();
    (started.elapsed(), value)
}

/// Prints a table of medians, per-operation times and ratios to the baseline (the first variant).
/// `per_round` is how many operations a round holds; `higher_is_better` picks how to phrase it.
pub fn report(title: &str, variants: &[Variant<'_>], per_round: u64, throughput: bool) {
    println!("\n{title}");
    let baseline = variants[0].median();
    for variant in variants {
        let median = variant.median();
        let per_op = median / per_round as u32;
        if throughput {
            let rate = per_round as f64 / median.as_secs_f64();
            let ratio = baseline.as_secs_f64() / median.as_secs_f64();
            println!(
                "  {:<34} {:>10.0} req/s  {:>9.1?}/req  {:>6.3}x {}",
                variant.name, rate, per_op, ratio, variants[0].name
            );
        } else {
            let ratio = median.as_secs_f64() / baseline.as_secs_f64();
            println!(
                "  {:<34} {:>10.2?}/round  {:>9.1?}/item  {:>6.3}x the time of {}",
                variant.name, median, per_op, ratio, variants[0].name
            );
        }
    }
}
