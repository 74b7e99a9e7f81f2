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

    /// `f(baseline round, this round)` for each round, as (median, lower quartile, upper
    /// quartile). Pairing a round with the baseline's round of the same pass cancels most of a
    /// shared machine's drift, which a ratio of two medians does not.
    pub fn paired(&self, baseline: &Variant<'_>, f: impl Fn(Duration, Duration) -> f64) -> (f64, f64, f64) {
        let mut ratios: Vec<f64> = baseline.rounds.iter().zip(&self.rounds).map(|(b, v)| f(*b, *v)).collect();
        ratios.sort_by(f64::total_cmp);
        let at = |q: usize| ratios[(ratios.len() - 1) * q / 4];
        (at(2), at(1), at(3))
    }
}

/// Times `run` once.
pub fn time<T>(run: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let value = run();
    (started.elapsed(), value)
}

/// Prints a table of medians and per-operation times, with each variant's ratio to the baseline
/// (the first variant): the median of the per-round ratios, and their quartiles. `per_round` is
/// how many operations a round holds; `throughput` picks how to phrase it. Returns the median
/// ratios, in the order of `variants`.
pub fn report(title: &str, variants: &[Variant<'_>], per_round: u64, throughput: bool) -> Vec<f64> {
    println!("\n{title}");
    let baseline = &variants[0];
    let mut ratios = Vec::new();
    for variant in variants {
        let median = variant.median();
        let per_op = median / per_round as u32;
        if throughput {
            let (ratio, low, high) = variant.paired(baseline, |b, v| b.as_secs_f64() / v.as_secs_f64());
            let rate = per_round as f64 / median.as_secs_f64();
            println!(
                "  {:<26} {:>8.0} req/s {:>9.1?}/req  {ratio:>6.3}x (quartiles {low:.3}..{high:.3}) {}",
                variant.name, rate, per_op, baseline.name
            );
            ratios.push(ratio);
        } else {
            let (ratio, low, high) = variant.paired(baseline, |b, v| v.as_secs_f64() / b.as_secs_f64());
            println!(
                "  {:<26} {:>10.2?}/round {:>9.1?}/item  {ratio:>6.3}x (quartiles {low:.3}..{high:.3}) the time of {}",
                variant.name, median, per_op, baseline.name
            );
            ratios.push(ratio);
        }
    }
    ratios
}
