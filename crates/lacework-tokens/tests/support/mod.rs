//! A sandbox and a facade client pointed at it, for the facade's integration tests.
#![allow(dead_code)]

use lacework_tokens::{Client, ClientBuilder};
use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Sandbox, SandboxConfig, WireForms};

pub struct World {
    pub sandbox: Sandbox,
    pub client: Client,
}

impl World {
    pub async fn start() -> World {
        World::with_forms(WireForms::default()).await
    }

    pub async fn with_forms(forms: WireForms) -> World {
        let sandbox = Sandbox::start(SandboxConfig { forms, ..Default::default() }).await.unwrap();
        let client = builder(&sandbox).build().unwrap();
        World { sandbox, client }
    }

    /// How many key exchanges the sandbox has performed.
    pub fn exchanges(&self) -> usize {
        self.sandbox.effects(ops::CREATE_API_TOKEN.id)
    }
}

/// A builder for a client of `sandbox`, with its API key.
pub fn builder(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder().base_url(sandbox.base_url()).api_key(sandbox.key_id(), sandbox.secret().to_owned())
}
