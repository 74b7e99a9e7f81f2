//! The page a reviewer reads first: the public surface of the API, one fact per line, at two
//! levels. From the spec: each operation (method, path, tag, whether repeating it is safe), its
//! parameters and body (type, required or optional), its responses by status, and each schema
//! with its properties (type, required or optional) and enum values. From the generated Rust: each
//! type in `types` with its fields (Rust type) or variants, each operation builder's methods
//! (argument type), and each method of the `Client*Ext` traits. Descriptions, summaries and
//! examples appear only as a short fingerprint (one per operation, schema, parameter and
//! property), so that a documentation change shows as one.
//!
//! Every line is `<item>: <fact>`, with `<item>` unique, and the lines of a section are sorted:
//! `cargo xtask regen` compares two pages line by line (the item names what changed, the fact how)
//! and classifies each change. The first word of an item says what it is; xtask's classifier
//! keys on it, so the two change together.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use openapiv3::{
    AdditionalProperties, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, StatusCode, Type, VariantOrUnknownOrEmpty,
};
use quote::ToTokens as _;

/// The first line of every page: says what the file is and how it is made.
const HEADER: &str = "\
# The public surface of lacework-tokens-api: generated from spec/lacework-tokens.yaml by
# `cargo xtask regen` (crates/lacework-tokens-api/surface.rs). One fact per line, `<item>: <fact>`.
";

/// The whole page, from the spec and from the code generated from it.
pub fn page(spec: &OpenAPI, code: &syn::File) -> Result<String, String> {
    let mut out = String::from(HEADER);
    for (title, lines) in [
        ("Operations (spec)", operations(spec)?),
        ("Schemas (spec)", schemas(spec)),
        ("Rust types (`types`)", rust_types(code)),
        ("Rust operations (`builder`, `Client*Ext`)", rust_operations(code)),
    ] {
        let _ = writeln!(out, "\n## {title}");
        for (item, fact) in lines {
            let _ = writeln!(out, "{item}: {fact}");
        }
    }
    Ok(out)
}

type Lines = BTreeMap<String, String>;

/// Whether repeating an operation is harmless: decided by the HTTP method where RFC 9110 makes
/// it idempotent, otherwise (POST, PATCH) by the operation's `x-idempotent` extension, and
/// `false` when the spec does not say. The extension, when present, always wins.
pub fn repeat_safe(method: &str, op: &Operation) -> bool {
    match op.extensions.get("x-idempotent").and_then(|value| value.as_bool()) {
        Some(declared) => declared,
        None => matches!(method, "get" | "head" | "options" | "put" | "delete" | "trace"),
    }
}

fn operations(spec: &OpenAPI) -> Result<Lines, String> {
    let mut lines = Lines::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let id = op.operation_id.clone().unwrap_or_default();
            let at = format!("operation {id}");
            let repeat = if repeat_safe(method, op) { "safe to repeat" } else { "not safe to repeat" };
            let tag = op.tags.first().map_or("-", String::as_str);
            lines.insert(at.clone(), format!("{} {path}, tag {tag}, {repeat}", method.to_uppercase()));
            let docs = [op.summary.clone(), op.description.clone()];
            for parameter in item.parameters.iter().chain(&op.parameters) {
                let parameter = resolve_parameter(spec, parameter)?;
                let (place, data) = match parameter {
                    Parameter::Query { parameter_data, .. } => ("query", parameter_data),
                    Parameter::Header { parameter_data, .. } => ("header", parameter_data),
                    Parameter::Path { parameter_data, .. } => ("path", parameter_data),
                    Parameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
                };
                let kind = match &data.format {
                    ParameterSchemaOrContent::Schema(schema) => describe(plain(schema)),
                    ParameterSchemaOrContent::Content(_) => "content".to_owned(),
                };
                let member = format!("{at} {place} {}", data.name);
                if data.description.is_some() {
                    lines.insert(format!("{member} docs"), fingerprint(&[&data.description]));
                }
                lines.insert(member, format!("{kind}, {}", required(data.required)));
            }
            if let Some(body) = &op.request_body {
                let body = super::resolve_body(spec, body)?;
                let schema = body.content.get("application/json").and_then(|m| m.schema.as_ref());
                let kind = schema.map_or_else(|| "not JSON".to_owned(), |s| describe(plain(s)));
                lines.insert(format!("{at} body"), format!("{kind}, {}", required(body.required)));
            }
            for (status, response) in &op.responses.responses {
                let schema = super::response_schema(spec, response)?.unwrap_or_else(|| "(empty)".to_owned());
                lines.insert(format!("{at} response {}", status_text(status)), schema);
            }
            let docs: Vec<&Option<String>> = docs.iter().collect();
            lines.insert(format!("{at} docs"), fingerprint(&docs));
        }
    }
    Ok(lines)
}

fn schemas(spec: &OpenAPI) -> Lines {
    let mut lines = Lines::new();
    let Some(components) = &spec.components else { return lines };
    for (name, schema) in &components.schemas {
        let at = format!("schema {name}");
        let schema = match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => {
                lines.insert(at, format!("= {}", short_ref(reference)));
                continue;
            }
        };
        lines.insert(at.clone(), describe_kind(schema, false));
        let example = schema.schema_data.example.as_ref().map(ToString::to_string);
        let docs = [schema.schema_data.description.clone(), schema.schema_data.title.clone(), example];
        if let SchemaKind::Type(Type::String(string)) = &schema.schema_kind {
            for value in string.enumeration.iter().flatten() {
                lines.insert(format!("{at} enum {value:?}"), "value".to_owned());
            }
        }
        if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind {
            for (property, property_schema) in &object.properties {
                let is_required = object.required.contains(property);
                let fact = format!("{}, {}", describe(unboxed(property_schema)), required(is_required));
                lines.insert(format!("{at} property {property}"), fact);
                if let ReferenceOr::Item(item) = property_schema
                    && item.schema_data.description.is_some()
                {
                    let docs = fingerprint(&[&item.schema_data.description]);
                    lines.insert(format!("{at} property {property} docs"), docs);
                }
            }
        }
        let docs: Vec<&Option<String>> = docs.iter().collect();
        lines.insert(format!("{at} docs"), fingerprint(&docs));
    }
    lines
}

/// A schema or a reference to one, borrowed.
fn plain(schema: &ReferenceOr<Schema>) -> ReferenceOr<&Schema> {
    match schema {
        ReferenceOr::Item(schema) => ReferenceOr::Item(schema),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
    }
}

/// The same for the boxed schemas of properties and items.
fn unboxed(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<&Schema> {
    match schema {
        ReferenceOr::Item(schema) => ReferenceOr::Item(schema),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
    }
}

fn required(is_required: bool) -> &'static str {
    if is_required { "required" } else { "optional" }
}

fn status_text(status: &StatusCode) -> String {
    match status {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(range) => format!("{range}XX"),
    }
}

fn short_ref(reference: &str) -> String {
    reference.rsplit('/').next().unwrap_or(reference).to_owned()
}

fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Result<&'a Parameter, String> {
    match parameter {
        ReferenceOr::Item(parameter) => Ok(parameter),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/parameters/")
            .and_then(|name| spec.components.as_ref()?.parameters.get(name))
            .and_then(ReferenceOr::as_item)
            .ok_or_else(|| format!("unresolved parameter reference `{reference}`")),
    }
}

/// A schema in one line: a reference by name, an inline schema by its kind and constraints.
fn describe(schema: ReferenceOr<&Schema>) -> String {
    match schema {
        ReferenceOr::Reference { reference } => short_ref(&reference),
        ReferenceOr::Item(schema) => describe_kind(schema, true),
    }
}

/// What a schema is. `inline` lists a string enum's values in the line (an inline enum becomes a
/// Rust enum of its own, so its values are part of the property's type); a named schema's values
/// get one line each instead.
fn describe_kind(schema: &Schema, inline: bool) -> String {
    let list = |schemas: &[ReferenceOr<Schema>]| -> String {
        schemas.iter().map(|s| describe(plain(s))).collect::<Vec<_>>().join(" | ")
    };
    let mut text = match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let mut text = format!("string{}", format_text(&string.format));
            if !string.enumeration.is_empty() {
                text.push_str(" enum");
                if inline {
                    let values: Vec<String> =
                        string.enumeration.iter().flatten().map(|v| format!("{v:?}")).collect();
                    let _ = write!(text, " [{}]", values.join(", "));
                }
            }
            push_bound(&mut text, "pattern", string.pattern.as_ref().map(|p| format!("{p:?}")));
            push_bound(&mut text, "minLength", string.min_length);
            push_bound(&mut text, "maxLength", string.max_length);
            text
        }
        SchemaKind::Type(Type::Integer(integer)) => {
            let mut text = format!("integer{}", format_text(&integer.format));
            if !integer.enumeration.is_empty() {
                let values: Vec<String> =
                    integer.enumeration.iter().flatten().map(ToString::to_string).collect();
                let _ = write!(text, " enum [{}]", values.join(", "));
            }
            push_bound(&mut text, "minimum", integer.minimum);
            push_bound(&mut text, "maximum", integer.maximum);
            text
        }
        SchemaKind::Type(Type::Number(number)) => {
            let mut text = format!("number{}", format_text(&number.format));
            push_bound(&mut text, "minimum", number.minimum);
            push_bound(&mut text, "maximum", number.maximum);
            text
        }
        SchemaKind::Type(Type::Boolean(_)) => "boolean".to_owned(),
        SchemaKind::Type(Type::Array(array)) => {
            let items = array.items.as_ref().map_or("any".to_owned(), |i| describe(unboxed(i)));
            let mut text = format!("array of {items}");
            push_bound(&mut text, "minItems", array.min_items);
            push_bound(&mut text, "maxItems", array.max_items);
            text
        }
        SchemaKind::Type(Type::Object(object)) => {
            let mut text = "object".to_owned();
            if inline && !object.properties.is_empty() {
                let names: Vec<&str> = object.properties.keys().map(String::as_str).collect();
                let _ = write!(text, " {{{}}}", names.join(", "));
            }
            match &object.additional_properties {
                Some(AdditionalProperties::Any(false)) => text.push_str(", no other members"),
                Some(AdditionalProperties::Schema(schema)) => {
                    let _ = write!(text, ", other members {}", describe(plain(schema)));
                }
                _ => {}
            }
            text
        }
        SchemaKind::OneOf { one_of } => format!("one of ({})", list(one_of)),
        SchemaKind::AnyOf { any_of } => format!("any of ({})", list(any_of)),
        SchemaKind::AllOf { all_of } => format!("all of ({})", list(all_of)),
        SchemaKind::Not { not } => format!("not ({})", describe(plain(not))),
        SchemaKind::Any(_) => "any".to_owned(),
    };
    if schema.schema_data.nullable {
        text.push_str(", nullable");
    }
    text
}

fn format_text<T: std::fmt::Debug>(format: &VariantOrUnknownOrEmpty<T>) -> String {
    match format {
        VariantOrUnknownOrEmpty::Item(format) => format!(" ({})", format!("{format:?}").to_lowercase()),
        VariantOrUnknownOrEmpty::Unknown(format) => format!(" ({format})"),
        VariantOrUnknownOrEmpty::Empty => String::new(),
    }
}

fn push_bound(text: &mut String, name: &str, value: Option<impl std::fmt::Display>) {
    if let Some(value) = value {
        let _ = write!(text, ", {name} {value}");
    }
}

/// A short fingerprint of documentation text: enough to see that it changed, not what.
fn fingerprint(parts: &[&Option<String>]) -> String {
    let joined: Vec<&str> = parts.iter().map(|p| p.as_deref().unwrap_or("")).collect();
    let digest = crate::provenance::sha256(joined.join("\u{0}").as_bytes());
    format!("text {}", digest[..4].iter().map(|b| format!("{b:02x}")).collect::<String>())
}

// --- The generated Rust ------------------------------------------------------------------------

/// The items of the top-level module `name` of the generated file.
fn module<'a>(items: &'a [syn::Item], name: &str) -> &'a [syn::Item] {
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == name => {
                module.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or(&[])
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn rust_types(code: &syn::File) -> Lines {
    let mut lines = Lines::new();
    for item in module(&code.items, "types") {
        match item {
            syn::Item::Struct(item) if is_public(&item.vis) => {
                let at = format!("type {}", item.ident);
                match &item.fields {
                    syn::Fields::Named(fields) => {
                        let all_public = fields.named.iter().all(|f| is_public(&f.vis));
                        let shape = if all_public { "struct, all fields public" } else { "struct" };
                        lines.insert(at.clone(), shape.to_owned());
                        for field in fields.named.iter().filter(|f| is_public(&f.vis)) {
                            let name = field.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                            lines.insert(format!("{at} field {name}"), show(&field.ty));
                        }
                    }
                    syn::Fields::Unnamed(fields) => {
                        let inner: Vec<String> = fields
                            .unnamed
                            .iter()
                            .map(|f| if is_public(&f.vis) { show(&f.ty) } else { "private".to_owned() })
                            .collect();
                        lines.insert(at, format!("newtype ({})", inner.join(", ")));
                    }
                    syn::Fields::Unit => {
                        lines.insert(at, "unit struct".to_owned());
                    }
                }
            }
            syn::Item::Enum(item) if is_public(&item.vis) => {
                let at = format!("type {}", item.ident);
                let exhaustive = !item.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
                lines.insert(
                    at.clone(),
                    if exhaustive { "enum, exhaustive" } else { "enum, non-exhaustive" }.to_owned(),
                );
                for variant in &item.variants {
                    let payload = match &variant.fields {
                        syn::Fields::Unit => "unit".to_owned(),
                        syn::Fields::Unnamed(fields) => {
                            format!(
                                "({})",
                                fields.unnamed.iter().map(|f| show(&f.ty)).collect::<Vec<_>>().join(", ")
                            )
                        }
                        syn::Fields::Named(fields) => format!(
                            "{{ {} }}",
                            fields
                                .named
                                .iter()
                                .map(|f| format!(
                                    "{}: {}",
                                    f.ident.as_ref().map(ToString::to_string).unwrap_or_default(),
                                    show(&f.ty)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    lines.insert(format!("{at} variant {}", variant.ident), payload);
                }
            }
            syn::Item::Type(item) if is_public(&item.vis) => {
                lines.insert(format!("type {}", item.ident), format!("alias of {}", show(&item.ty)));
            }
            _ => {}
        }
    }
    lines
}

fn rust_operations(code: &syn::File) -> Lines {
    let mut lines = Lines::new();
    for item in module(&code.items, "builder") {
        let syn::Item::Impl(block) = item else { continue };
        let owner = self_type_name(&block.self_ty);
        for item in &block.items {
            let syn::ImplItem::Fn(function) = item else { continue };
            if is_public(&function.vis) {
                lines.insert(format!("builder {owner}.{}", function.sig.ident), signature(&function.sig));
            }
        }
    }
    for item in &code.items {
        match item {
            syn::Item::Trait(block) if is_public(&block.vis) => {
                for item in &block.items {
                    let syn::TraitItem::Fn(function) = item else { continue };
                    lines.insert(
                        format!("method {}::{}", block.ident, function.sig.ident),
                        signature(&function.sig),
                    );
                }
            }
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let owner = self_type_name(&block.self_ty);
                for item in &block.items {
                    let syn::ImplItem::Fn(function) = item else { continue };
                    if is_public(&function.vis) {
                        lines.insert(
                            format!("method {owner}::{}", function.sig.ident),
                            signature(&function.sig),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    lines
}

fn self_type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        other => show(other),
    }
}

/// A method's arguments and result, e.g. `(types::AgentAccessTokenCreate) -> Self`. A generic
/// argument bound by `TryInto<T>` (progenitor's setters) shows as `T`; other generic arguments
/// show as their bounds.
fn signature(sig: &syn::Signature) -> String {
    let bounds_of = |ident: &syn::Ident| -> Option<String> {
        let mut bounds: Vec<&syn::TypeParamBound> = Vec::new();
        for param in sig.generics.type_params().filter(|p| &p.ident == ident) {
            bounds.extend(param.bounds.iter());
        }
        for predicate in sig.generics.where_clause.iter().flat_map(|w| w.predicates.iter()) {
            if let syn::WherePredicate::Type(predicate) = predicate
                && matches!(&predicate.bounded_ty, syn::Type::Path(p) if p.path.is_ident(ident))
            {
                bounds.extend(predicate.bounds.iter());
            }
        }
        let try_into = bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else { return None };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
            args.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(show(ty)),
                _ => None,
            })
        });
        try_into.or_else(|| {
            (!bounds.is_empty()).then(|| {
                bounds.iter().map(|b| tidy(&b.to_token_stream().to_string())).collect::<Vec<_>>().join(" + ")
            })
        })
    };
    let arguments: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Receiver(_) => None,
            syn::FnArg::Typed(argument) => Some(match &*argument.ty {
                syn::Type::Path(path) if path.path.get_ident().is_some() => {
                    bounds_of(path.path.get_ident().expect("checked")).unwrap_or_else(|| show(&argument.ty))
                }
                other => show(other),
            }),
        })
        .collect();
    let output = match &sig.output {
        syn::ReturnType::Default => "()".to_owned(),
        syn::ReturnType::Type(_, ty) => show(ty),
    };
    let asyncness = if sig.asyncness.is_some() { "async " } else { "" };
    format!("{asyncness}({}) -> {output}", arguments.join(", "))
}

/// A Rust type as a reader writes it: no spaces inside paths and generics, and the standard
/// library's prelude paths shortened.
fn show(ty: &syn::Type) -> String {
    tidy(&ty.to_token_stream().to_string())
}

fn tidy(tokens: &str) -> String {
    let mut text = tokens.to_owned();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& '", "&'"),
        ("& ", "&"),
        ("( ", "("),
        (" )", ")"),
        (" (", "("),
        (",>", ">"),
    ] {
        text = text.replace(from, to);
    }
    for prefix in [
        "::std::string::",
        "::std::option::",
        "::std::vec::",
        "::std::collections::",
        "::std::boxed::",
        "std::string::",
        "std::option::",
        "std::vec::",
    ] {
        text = text.replace(prefix, "");
    }
    text.trim_start_matches("::").replace("<::", "<").replace("(::", "(").replace(", ::", ", ")
}
