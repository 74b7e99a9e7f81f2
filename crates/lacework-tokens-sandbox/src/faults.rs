//! Fault injection: the next N requests (optionally only for one operation) get a chosen failure.
//! Scripted from a test with `Sandbox::inject`, and from the command line with `--fault SPEC`.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// What a hostile account member would put in a token's alias or description to rewrite an
/// admin's terminal: set the window title (ESC ] ... BEL), return to the line's start (CR) and
/// erase it (ESC [ 2K).
pub const CONTROL_SEQUENCE: &str = "\u{1b}]0;owned\u{7}\r\u{1b}[2K";

/// A failure to inflict on one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status (429, 500, 502, 503, ...) with a JSON error body; 429 carries
    /// `Retry-After` (seconds). The request is not processed.
    Status {
        /// The status to answer.
        status: u16,
        /// `Retry-After` seconds, sent with 429 and 503.
        retry_after: Option<u64>,
    },
    /// Wait this long, then process the request normally.
    Delay(Duration),
    /// Close the connection after reading the request, without processing it or answering.
    DropConnection,
    /// Process the request, then send only half of the answer's body and close the connection.
    TruncatedBody,
    /// Process the request, then answer its status with a body that is not JSON.
    MalformedBody,
    /// Answer this status with an HTML error page, as a proxy in front of the service does.
    HtmlPage(u16),
    /// Process the request, then answer its status with an empty body.
    EmptyBody,
    /// Process the request, then answer with a valid JSON body padded to this many bytes.
    HugeBody(usize),
    /// A body that never ends, sent as fast as the client reads it: the start of a JSON list
    /// of tokens, then more tokens forever. With a status, the request is not processed and the
    /// answer has that status; without, it is processed and keeps its status.
    EndlessBody(Option<u16>),
    /// Process the request, then answer its status with a body that never ends, one kilobyte
    /// every this long (a trickle).
    SlowBody(Duration),
    /// Process the request, then point the answer's `paging.urls.nextPage` at the very URL that
    /// was requested (a paged call that never ends unless the client notices).
    NextPageSelf,
    /// Process the request, then point the answer's `paging.urls.nextPage` at the requested
    /// path with a fresh query each time (pages that never repeat and never end).
    NextPageFresh,
    /// Process the request, then append terminal control sequences (ESC, BEL, CR) to every
    /// alias, name, description and bearer (`token`) string of the answer.
    ControlCharacters,
}

impl Fault {
    /// Whether the request is processed (its effect happens) under this fault.
    pub fn processes_request(&self) -> bool {
        matches!(
            self,
            Fault::Delay(_)
                | Fault::TruncatedBody
                | Fault::MalformedBody
                | Fault::EmptyBody
                | Fault::HugeBody(_)
                | Fault::EndlessBody(None)
                | Fault::SlowBody(_)
                | Fault::NextPageSelf
                | Fault::NextPageFresh
                | Fault::ControlCharacters
        )
    }
}

/// A fault for the next `remaining` requests, of one operation or of any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    /// What to inflict.
    pub fault: Fault,
    /// How many more requests get it.
    pub remaining: u32,
    /// Only requests of this operationId (e.g. `getAgentAccessToken`); any when `None`.
    pub operation: Option<String>,
}

impl FaultRule {
    /// `fault` for the next request of any operation.
    pub fn new(fault: Fault) -> Self {
        Self { fault, remaining: 1, operation: None }
    }

    /// For the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = n;
        self
    }

    /// Only for requests of `operation_id`.
    pub fn only(mut self, operation_id: impl Into<String>) -> Self {
        self.operation = Some(operation_id.into());
        self
    }
}

/// The rules in force, applied in the order they were added.
#[derive(Debug, Default)]
pub struct FaultPlan {
    rules: VecDeque<FaultRule>,
}

impl FaultPlan {
    /// Adds a rule after those already planned.
    pub fn push(&mut self, rule: FaultRule) {
        if rule.remaining > 0 {
            self.rules.push_back(rule);
        }
    }

    /// The fault for a request of `operation` (`None` for paths outside the API), if any; uses
    /// up one of that rule's requests.
    pub fn take(&mut self, operation: Option<&str>) -> Option<Fault> {
        let index = self
            .rules
            .iter()
            .position(|rule| rule.operation.as_deref().is_none_or(|wanted| Some(wanted) == operation))?;
        let rule = &mut self.rules[index];
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            self.rules.remove(index);
        }
        Some(fault)
    }

    /// Forgets every rule.
    pub fn clear(&mut self) {
        self.rules.clear();
    }
}

/// The error of a `--fault` spec that does not parse.
#[derive(Debug, PartialEq, Eq)]
pub struct FaultSpecError(String);

impl fmt::Display for FaultSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FaultSpecError {}

/// The `--fault` syntax: `KIND[*N][@operationId]`, where KIND is a status (`429`, `500`, `502`,
/// `503`, ...; 429 and 503 send `Retry-After: 1`), `delay=MS`, `drop`, `truncate`, `malformed`,
/// `html=STATUS`, `empty`, `huge=BYTES`, `endless`, `endless=STATUS`, `slow=MS`,
/// `next-page=self`, `next-page=fresh` or `control-chars`. `503*2@getAgentAccessToken` fails
/// the next two details requests with 503.
pub const FAULT_SPEC_HELP: &str = "KIND[*N][@operationId]; KIND is a status (429, 500, 502, 503, ...), \
delay=MS, drop, truncate, malformed, html=STATUS, empty, huge=BYTES, endless (a body that never ends), \
endless=STATUS, slow=MS (an endless body, 1 KB every MS), next-page=self, next-page=fresh \
or control-chars (ESC, BEL, CR in aliases, names, descriptions and bearers)";

impl FromStr for FaultRule {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let bad =
            |why: &str| FaultSpecError(format!("bad fault {spec:?}: {why} (expected {FAULT_SPEC_HELP})"));
        let (rest, operation) = match spec.split_once('@') {
            Some((rest, op)) if !op.is_empty() => (rest, Some(op.to_owned())),
            Some(_) => return Err(bad("empty operationId after @")),
            None => (spec, None),
        };
        let (kind, remaining) = match rest.split_once('*') {
            Some((kind, n)) => (
                kind,
                n.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| bad("N must be a positive number"))?,
            ),
            None => (rest, 1),
        };
        let status = |text: &str| {
            text.parse::<u16>()
                .ok()
                .filter(|s| (100..=599).contains(s))
                .ok_or_else(|| bad("not an HTTP status"))
        };
        let fault = match kind.split_once('=') {
            None => match kind {
                "drop" => Fault::DropConnection,
                "truncate" => Fault::TruncatedBody,
                "malformed" => Fault::MalformedBody,
                "empty" => Fault::EmptyBody,
                "endless" => Fault::EndlessBody(None),
                "control-chars" => Fault::ControlCharacters,
                code => {
                    let status = status(code)?;
                    Fault::Status { status, retry_after: matches!(status, 429 | 503).then_some(1) }
                }
            },
            Some(("delay", ms)) => {
                Fault::Delay(Duration::from_millis(ms.parse().map_err(|_| bad("delay is in milliseconds"))?))
            }
            Some(("html", code)) => Fault::HtmlPage(status(code)?),
            Some(("huge", bytes)) => {
                Fault::HugeBody(bytes.parse().map_err(|_| bad("huge takes a size in bytes"))?)
            }
            Some(("endless", code)) => Fault::EndlessBody(Some(status(code)?)),
            Some(("slow", ms)) => Fault::SlowBody(Duration::from_millis(
                ms.parse().map_err(|_| bad("slow is in milliseconds"))?,
            )),
            Some(("next-page", "self")) => Fault::NextPageSelf,
            Some(("next-page", "fresh")) => Fault::NextPageFresh,
            Some(_) => return Err(bad("unknown kind")),
        };
        Ok(FaultRule { fault, remaining, operation })
    }
}

#[cfg(test)]
mod tests {
    use lacework_tokens_api::ops;

    use super::*;

    #[test]
    fn specs_parse() {
        let rule: FaultRule = "503*2@getAgentAccessToken".parse().unwrap();
        assert_eq!(
            rule,
            FaultRule::new(Fault::Status { status: 503, retry_after: Some(1) })
                .times(2)
                .only(ops::GET_AGENT_ACCESS_TOKEN.id)
        );
        assert_eq!("drop".parse::<FaultRule>().unwrap().fault, Fault::DropConnection);
        assert_eq!("delay=250".parse::<FaultRule>().unwrap().fault, Fault::Delay(Duration::from_millis(250)));
        assert_eq!("html=502".parse::<FaultRule>().unwrap().fault, Fault::HtmlPage(502));
        assert_eq!("endless".parse::<FaultRule>().unwrap().fault, Fault::EndlessBody(None));
        assert_eq!("endless=500".parse::<FaultRule>().unwrap().fault, Fault::EndlessBody(Some(500)));
        assert_eq!("slow=10".parse::<FaultRule>().unwrap().fault, Fault::SlowBody(Duration::from_millis(10)));
        assert_eq!("next-page=self".parse::<FaultRule>().unwrap().fault, Fault::NextPageSelf);
        assert_eq!("next-page=fresh".parse::<FaultRule>().unwrap().fault, Fault::NextPageFresh);
        assert_eq!("control-chars".parse::<FaultRule>().unwrap().fault, Fault::ControlCharacters);
        for bad in ["", "600", "delay=soon", "503*0", "503@", "teapot=418", "endless=9", "next-page=x"] {
            let err = bad.parse::<FaultRule>().unwrap_err().to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn rules_apply_in_order_and_only_to_their_operation() {
        let mut plan = FaultPlan::default();
        plan.push(FaultRule::new(Fault::DropConnection).only(ops::CREATE_AGENT_ACCESS_TOKEN.id));
        plan.push(FaultRule::new(Fault::MalformedBody).times(2));
        assert_eq!(plan.take(Some(ops::LIST_AGENT_ACCESS_TOKENS.id)), Some(Fault::MalformedBody));
        assert_eq!(plan.take(Some(ops::CREATE_AGENT_ACCESS_TOKEN.id)), Some(Fault::DropConnection));
        assert_eq!(plan.take(Some(ops::CREATE_AGENT_ACCESS_TOKEN.id)), Some(Fault::MalformedBody));
        assert_eq!(plan.take(None), None);
    }
}
