//! Every conversion between the generated wire types and this crate's models, in both
//! directions, in one place: what arrives is made into models (tolerating every form the API is
//! seen to send), and what is sent is made from the caller's values (checked first).

mod access_token;
mod agent_token;
mod search;

pub(crate) use access_token::wire_name;
pub(crate) use agent_token::{props_input, token_enabled, wire_alias};
pub(crate) use search::time_filter;
