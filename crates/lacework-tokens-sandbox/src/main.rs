//! `lacework-tokens-sandbox`: runs the sandbox server from the command line.

use std::net::SocketAddr;

use clap::{Parser, ValueEnum};
use lacework_tokens_sandbox::faults::FAULT_SPEC_HELP;
use lacework_tokens_sandbox::{
    FaultRule, PropsForm, RateLimit, Sandbox, SandboxConfig, TimestampForm, TokenEnabledForm, WireForms,
};

/// A Lacework tokens API server on loopback: every operation of the token endpoints, in memory.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// API key id the exchange accepts (generated and printed when absent).
    #[arg(long, value_name = "ID")]
    key_id: Option<String>,
    /// The key's secret (generated and printed when absent).
    #[arg(long, value_name = "S")]
    secret: Option<String>,
    /// Start with a handful of realistic tokens.
    #[arg(long)]
    seed_demo: bool,
    /// Also start with N generated agent tokens (named bulk-0, bulk-1, ...), for load tests.
    #[arg(long, value_name = "N", default_value_t = 0)]
    bulk_tokens: usize,
    /// How tokenEnabled is written.
    #[arg(long, value_enum, default_value_t = EnabledArg::String)]
    token_enabled: EnabledArg,
    /// How props are written.
    #[arg(long, value_enum, default_value_t = PropsArg::String)]
    props: PropsArg,
    /// How timestamps are written.
    #[arg(long, value_enum, default_value_t = TimestampArg::Millis)]
    timestamps: TimestampArg,
    /// Rows per page of list and search answers.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..))]
    page_size: u32,
    /// Enforce a rate limit per user and functionality (429 past it): N requests an hour, or
    /// N per WINDOW (e.g. 480/2s, 100/500ms, 480/1h), to spend an hour's budget in seconds
    #[arg(long, value_name = "N[/WINDOW]")]
    rate_limit: Option<RateLimit>,
    /// Inject a fault; repeatable. Syntax: KIND[*N][@operationId].
    #[arg(long = "fault", value_name = "SPEC", long_help = FAULT_SPEC_HELP)]
    faults: Vec<FaultRule>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EnabledArg {
    /// "1" / "0", as documented
    String,
    /// 1 / 0, as the live service answers
    Integer,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PropsArg {
    /// a JSON-encoded string with upper-case keys, as the live service answers
    String,
    /// an object, as documented
    Object,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TimestampArg {
    /// 2020-12-16T16:43:37.915Z
    Millis,
    /// 2020-12-16T16:43:37Z
    Seconds,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let forms = WireForms {
        token_enabled: match args.token_enabled {
            EnabledArg::String => TokenEnabledForm::String,
            EnabledArg::Integer => TokenEnabledForm::Integer,
        },
        props: match args.props {
            PropsArg::String => PropsForm::JsonString,
            PropsArg::Object => PropsForm::Object,
        },
        timestamps: match args.timestamps {
            TimestampArg::Millis => TimestampForm::Milliseconds,
            TimestampArg::Seconds => TimestampForm::Seconds,
        },
    };
    let config = SandboxConfig {
        key_id: args.key_id,
        secret: args.secret,
        forms,
        page_size: args.page_size as usize,
        rate_limit: args.rate_limit.unwrap_or_default(),
        seed_demo: args.seed_demo,
    };
    let sandbox = match Sandbox::bind(args.addr, config).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return std::process::ExitCode::FAILURE;
        }
    };
    sandbox.insert_agent_tokens("", "bulk-", args.bulk_tokens);
    for rule in args.faults {
        sandbox.inject(rule);
    }
    // The credentials are the sandbox's own test key: printing them is the point.
    println!("lacework-tokens-sandbox listening on {}", sandbox.base_url());
    println!("  LW_API_SERVER_URL={}", sandbox.base_url());
    println!("  LW_API_KEY={}", sandbox.key_id());
    println!("  LW_API_SECRET={}", sandbox.secret());
    println!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    std::process::ExitCode::SUCCESS
}
