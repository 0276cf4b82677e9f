use std::fmt::Display;

use async_graphql::{Context, Error, ErrorExtensions};

/// Identifies one request in the logs; INTERNAL errors show it so a report can be traced.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().simple().to_string())
    }
}

/// An argument the client must fix; the message names it and says what is accepted.
pub(crate) fn bad_user_input(message: impl Into<String>) -> Error {
    Error::new(message.into()).extend_with(|_, extensions| extensions.set("code", "BAD_USER_INPUT"))
}

/// A fault of ours: logged in full under the request id, shown to the client as INTERNAL only.
pub(crate) fn internal(context: &Context<'_>, error: impl Display) -> Error {
    let request_id = context
        .data_opt::<RequestId>()
        .map_or_else(|| "unknown".to_owned(), |id| id.0.clone());
    tracing::error!(request_id = %request_id, error = %error, "internal error while resolving a GraphQL field");
    Error::new(format!("internal error (request id {request_id})")).extend_with(|_, extensions| {
        extensions.set("code", "INTERNAL");
        extensions.set("requestId", request_id.clone());
    })
}

/// Extension trait turning storage failures into INTERNAL errors.
pub(crate) trait OrInternal<T> {
    fn or_internal(self, context: &Context<'_>) -> async_graphql::Result<T>;
}

impl<T, E: Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self, context: &Context<'_>) -> async_graphql::Result<T> {
        self.map_err(|error| internal(context, error))
    }
}
