//! The one place that turns the OpenAPI document into Rust: parse the spec, run progenitor with
//! this crate's settings, format the result, and describe the API surface for reviewers.
//!
//! `build.rs` includes this file with `#[path]` when the `regen` feature is on, and so do the
//! tests, so that they exercise exactly what the build runs. It depends only on the optional
//! build-dependencies, and on `provenance.rs`, which its includer includes as `provenance`.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, ReferenceOr, RequestBody, Response, StatusCode};

#[path = "surface.rs"]
mod surface;

/// What code generation produced.
pub struct Generated {
    /// The client and its types, formatted.
    pub code: String,
    /// The API's public surface, one fact per line, for reviewers and `cargo xtask regen`'s
    /// change report (see `surface.rs`).
    pub surface: String,
}

/// Why code generation failed; `Display` is the message a build shows.
#[derive(Debug)]
pub struct CodegenError {
    path: PathBuf,
    problem: String,
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for CodegenError {}

/// Reads the spec at `path` and generates the client.
pub fn generate_file(path: &Path) -> Result<Generated, CodegenError> {
    let fail = |problem: String| CodegenError { path: path.to_owned(), problem };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    generate(&text).map_err(fail)
}

/// Generates the client from the text of a spec; the error names the problem, without the path.
pub fn generate(spec_text: &str) -> Result<Generated, String> {
    let spec = parse(spec_text)?;
    check_rules(&spec)?;
    let mut tokens = run_progenitor(&spec)?;
    let table = operation_table(&spec, &tokens.to_string())?;
    tokens.extend(table);
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
    let code = format!("{}{}", crate::provenance::header(spec_text), prettyplease::unparse(&file));
    let surface = surface::page(&spec, &file)?;
    Ok(Generated { code, surface })
}

fn parse(spec_text: &str) -> Result<OpenAPI, String> {
    let spec: OpenAPI = serde_norway::from_str(spec_text).map_err(|e| {
        // The parser's message usually ends with the location already; add it when it does not.
        let message = e.to_string();
        match e.location() {
            Some(at) if !message.contains(" at line ") => format!(
                "not a valid OpenAPI 3.0 document: {message} at line {} column {}",
                at.line(),
                at.column()
            ),
            _ => format!("not a valid OpenAPI 3.0 document: {message}"),
        }
    })?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "`openapi: {}` is not supported: progenitor reads OpenAPI 3.0.x only",
            spec.openapi
        ));
    }
    Ok(spec)
}

/// Checks the rules under which progenitor works (docs/maintaining.md lists them), so that a
/// broken spec is reported with the operation and the rule it breaks instead of a generator panic.
fn check_rules(spec: &OpenAPI) -> Result<(), String> {
    for (path, method, op) in spec.operations() {
        let name = op
            .operation_id
            .as_deref()
            .ok_or_else(|| format!("{} {path}: the operation has no operationId", method.to_uppercase()))?;
        let at = |problem: &str| format!("operation `{name}` ({} {path}): {problem}", method.to_uppercase());
        if op.tags.len() != 1 {
            return Err(at(&format!("needs exactly one tag, has {}", op.tags.len())));
        }
        if op.responses.default.is_some() {
            return Err(at("a `default` response is not supported; list the statuses (e.g. 4XX, 5XX)"));
        }
        for parameter in &op.parameters {
            let ReferenceOr::Item(parameter) = parameter else {
                continue;
            };
            let name = &parameter.parameter_data_ref().name;
            if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("content-type") {
                return Err(at(&format!(
                    "`{name}` must not be a parameter: auth is a securityScheme, set at run time"
                )));
            }
        }
        let mut error_schemas = op
            .responses
            .responses
            .iter()
            .filter(|(status, _)| !is_success(status))
            .map(|(status, response)| Ok((status, response_schema(spec, response)?)));
        if let Some(first) = error_schemas.next() {
            let (first_status, first_schema) = first.map_err(|e: String| at(&e))?;
            for other in error_schemas {
                let (status, schema) = other.map_err(|e: String| at(&e))?;
                if schema != first_schema {
                    return Err(at(&format!(
                        "error responses must share one schema: {first_status} has {}, {status} has {}",
                        first_schema.as_deref().unwrap_or("no body"),
                        schema.as_deref().unwrap_or("no body"),
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The settings every generation uses: builder interface, one trait per tag, the hooks seam
/// (`crate::hooks::Hooks` is the client's inner value; `ClientHooks` is implemented by hand), and
/// the spec's `SecretString` schema held in the hand-written `crate::secret::SecretString`.
fn settings() -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Separate)
        .with_inner_type("crate::hooks::Hooks".parse().expect("a path is a token stream"))
        .with_hooks(progenitor::HooksMode::Expected)
        .with_replacement("SecretString", "crate::secret::SecretString", std::iter::empty());
    settings
}

fn run_progenitor(spec: &OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    match generate_catching_panics(spec) {
        Ok(result) => result.map_err(|e| format!("progenitor refused the spec: {e}")),
        Err(message) => Err(format!("progenitor panicked{}: {message}", culprit(spec))),
    }
}

/// Runs progenitor; `Err` holds the message of a panic. progenitor reports some unsupported
/// constructs by panicking: keep the message and drop the backtrace.
fn generate_catching_panics(
    spec: &OpenAPI,
) -> Result<Result<proc_macro2::TokenStream, progenitor::Error>, String> {
    let mut generator = progenitor::Generator::new(&settings());
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(spec)));
    panic::set_hook(previous_hook);
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "(no message)".to_owned())
    })
}

/// Names the operation that makes progenitor panic, found by generating each operation alone.
fn culprit(spec: &OpenAPI) -> String {
    spec.operations()
        .find(|(path, method, _)| generate_catching_panics(&only_operation(spec, path, method)).is_err())
        .map(|(path, method, op)| {
            let id = op.operation_id.as_deref().unwrap_or("?");
            format!(" in operation `{id}` ({} {path})", method.to_uppercase())
        })
        .unwrap_or_default()
}

/// A copy of `spec` holding only the operation at `path` and `method`.
fn only_operation(spec: &OpenAPI, path: &str, method: &str) -> OpenAPI {
    let mut single = spec.clone();
    single.paths.paths.retain(|p, _| p == path);
    if let Some(ReferenceOr::Item(item)) = single.paths.paths.get_mut(path) {
        for (m, slot) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ] {
            if m != method {
                *slot = None;
            }
        }
    }
    single
}

fn is_success(status: &StatusCode) -> bool {
    match status {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(range) => *range == 2,
    }
}

/// The name of the JSON schema of a response, or `None` when it has no body.
fn response_schema(spec: &OpenAPI, response: &ReferenceOr<Response>) -> Result<Option<String>, String> {
    let response = resolve_response(spec, response)?;
    json_schema_name(response.content.get("application/json").and_then(|m| m.schema.as_ref()))
        .map(Some)
        .or_else(|e| if response.content.is_empty() { Ok(None) } else { Err(e) })
}

fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
) -> Result<&'a Response, String> {
    match response {
        ReferenceOr::Item(response) => Ok(response),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| spec.components.as_ref()?.responses.get(name))
            .and_then(ReferenceOr::as_item)
            .ok_or_else(|| format!("unresolved response reference `{reference}`")),
    }
}

fn resolve_body<'a>(
    spec: &'a OpenAPI,
    body: &'a ReferenceOr<RequestBody>,
) -> Result<&'a RequestBody, String> {
    match body {
        ReferenceOr::Item(body) => Ok(body),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/requestBodies/")
            .and_then(|name| spec.components.as_ref()?.request_bodies.get(name))
            .and_then(ReferenceOr::as_item)
            .ok_or_else(|| format!("unresolved request body reference `{reference}`")),
    }
}

fn json_schema_name(schema: Option<&ReferenceOr<openapiv3::Schema>>) -> Result<String, String> {
    match schema {
        Some(ReferenceOr::Reference { reference }) => reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned)
            .ok_or_else(|| format!("unsupported schema reference `{reference}`")),
        Some(ReferenceOr::Item(_)) => Ok("(inline schema)".to_owned()),
        None => Err("response body is not `application/json`".to_owned()),
    }
}

/// The `OPERATIONS` table (see `src/operations.rs`): one row per operation, in the spec's order.
/// `generated` is progenitor's code, in which each operation's snake-case name must appear as
/// its `operation_id`, so the table can never name an operation differently from the client.
fn operation_table(spec: &OpenAPI, generated: &str) -> Result<proc_macro2::TokenStream, String> {
    let mut rows = Vec::new();
    let mut names = Vec::new();
    for (path, method, op) in spec.operations() {
        let id = op.operation_id.clone().unwrap_or_default();
        let name = snake_case(&id);
        if !generated.contains(&format!("operation_id : \"{name}\"")) {
            return Err(format!(
                "operation `{id}`: progenitor's code has no operation named `{name}`; \
                 codegen.rs's snake_case no longer matches progenitor's"
            ));
        }
        let method_upper = method.to_uppercase();
        let tag = op.tags.first().cloned().unwrap_or_default();
        let repeat_safe = surface::repeat_safe(method, op);
        let constant = quote::format_ident!("{}", name.to_uppercase());
        let doc = format!("`{id}`: {method_upper} `{path}`.");
        rows.push(quote::quote! {
            #[doc = #doc]
            pub const #constant: crate::operations::Operation = crate::operations::Operation {
                id: #id,
                name: #name,
                method: #method_upper,
                path: #path,
                tag: #tag,
                repeat_safe: #repeat_safe,
            };
        });
        names.push(constant);
    }
    Ok(quote::quote! {
        /// Each operation of the API as a constant named after its operationId, so that code
        /// names an operation without typing its id (see [`crate::operations`]).
        pub mod ops {
            #(#rows)*
        }
        /// Every operation of the API, in the spec's order (see [`crate::operations`]).
        pub const OPERATIONS: &[crate::operations::Operation] = &[#(ops::#names),*];
    })
}

/// `createAgentAccessToken` to `create_agent_access_token`, the way progenitor names methods
/// (an acronym stays one word: `getHTTPThing` to `get_http_thing`).
pub fn snake_case(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower)
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}
