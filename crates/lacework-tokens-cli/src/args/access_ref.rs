//! The ID argument of the access-token commands: the token's id, or `name:NAME` for the one
//! token with that name (ids are 24 hex characters nobody remembers; names are what people
//! give, and what `--sandbox` users can know, since its ids change with every run).

use std::str::FromStr;

/// One access token, as the user named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccessRef {
    /// Its id.
    Id(String),
    /// The one token with this name.
    Name(String),
}

impl FromStr for AccessRef {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        match text.strip_prefix("name:") {
            Some("") => Err("name: needs a name, e.g. name:terraform".to_owned()),
            Some(name) => Ok(AccessRef::Name(name.to_owned())),
            None if text.is_empty() => Err("the id is empty".to_owned()),
            None => Ok(AccessRef::Id(text.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names() {
        assert_eq!("5f3c1a".parse(), Ok(AccessRef::Id("5f3c1a".to_owned())));
        assert_eq!("name:ci runner".parse(), Ok(AccessRef::Name("ci runner".to_owned())));
        assert!("name:".parse::<AccessRef>().unwrap_err().contains("needs a name"));
        assert!("".parse::<AccessRef>().unwrap_err().contains("empty"));
    }
}
