//! The write side of the public schema. Each resolver decodes its IDs, calls one service and
//! turns the outcome into the payload: the object and no `userErrors`, or `userErrors` and no
//! object; authentication, authorization and internal failures become top-level errors.

use async_graphql::{Context, Enum, ErrorExtensions, ID, Object, SimpleObject};
use passerelle_domain::catalogue::{Organisation, SkillProfile, TrainingOffer};
use passerelle_domain::{OrganisationId, TrainingOfferId, UserId};

use super::errors::{bad_user_input, internal};
use super::ids::{NodeKind, decode, global_id};
use super::inputs::{
    LoginInput, OrganisationInput, RegisterInput, SkillProfileInput, TrainingOfferInput,
};
use super::scalars::DateTime;
use super::types::{
    MemberRoleValue, OrganisationObject, SkillProfileObject, TrainingOfferObject, UserObject,
    reader,
};
use crate::services::{ServiceError, ServiceResult, Services, SignedIn, UserError, UserErrorCode};

#[derive(Debug, Default)]
pub struct Mutation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "UserErrorCode")]
pub(crate) enum UserErrorCodeValue {
    Invalid,
    Required,
    TooLong,
    NotFound,
    Taken,
    Conflict,
    Forbidden,
    InvalidCredentials,
}

impl From<UserErrorCode> for UserErrorCodeValue {
    fn from(code: UserErrorCode) -> Self {
        match code {
            UserErrorCode::Invalid => Self::Invalid,
            UserErrorCode::Required => Self::Required,
            UserErrorCode::TooLong => Self::TooLong,
            UserErrorCode::NotFound => Self::NotFound,
            UserErrorCode::Taken => Self::Taken,
            UserErrorCode::Conflict => Self::Conflict,
            UserErrorCode::Forbidden => Self::Forbidden,
            UserErrorCode::InvalidCredentials => Self::InvalidCredentials,
        }
    }
}

/// An expected problem with the input, with the path of the field at fault.
#[derive(Debug, SimpleObject)]
#[graphql(name = "UserError")]
pub(crate) struct UserErrorObject {
    /// Path to the input field at fault, e.g. ["input", "sessions", "0", "endDate"].
    field: Option<Vec<String>>,
    message: String,
    code: UserErrorCodeValue,
}

impl From<UserError> for UserErrorObject {
    fn from(error: UserError) -> Self {
        Self {
            field: error.field,
            message: error.message,
            code: error.code.into(),
        }
    }
}

#[derive(SimpleObject)]
pub(crate) struct AuthPayload {
    /// A JWT to send as `Authorization: Bearer …`; valid 15 minutes.
    access_token: Option<String>,
    /// Single-use: exchange it with refreshToken before it expires (30 days).
    refresh_token: Option<String>,
    /// When the access token expires.
    expires_at: Option<DateTime>,
    user: Option<UserObject>,
    user_errors: Vec<UserErrorObject>,
}

/// A mutation payload: the changed object, or the user errors that prevented the change.
macro_rules! payload {
    ($name:ident { $field:ident: $object:ty } from $value:ty => $wrap:expr) => {
        #[derive(SimpleObject)]
        pub(crate) struct $name {
            $field: Option<$object>,
            user_errors: Vec<UserErrorObject>,
        }

        impl $name {
            fn from_outcome(
                context: &Context<'_>,
                result: ServiceResult<$value>,
            ) -> async_graphql::Result<Self> {
                Ok(match outcome(context, result)? {
                    Ok(value) => Self {
                        $field: Some($wrap(value)),
                        user_errors: Vec::new(),
                    },
                    Err(user_errors) => Self {
                        $field: None,
                        user_errors,
                    },
                })
            }
        }
    };
}

payload!(OrganisationPayload { organisation: OrganisationObject } from Organisation => OrganisationObject);
payload!(TrainingOfferPayload { training_offer: TrainingOfferObject } from TrainingOffer => TrainingOfferObject);
payload!(SkillProfilePayload { skill_profile: SkillProfileObject } from SkillProfile => SkillProfileObject);
payload!(DeletionPayload { deleted_id: ID } from ID => std::convert::identity);

fn coded(message: String, code: &'static str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, extensions| extensions.set("code", code))
}

/// Splits a service outcome into the payload's object or its user errors; anything else is a
/// top-level error.
fn outcome<T>(
    context: &Context<'_>,
    result: ServiceResult<T>,
) -> async_graphql::Result<Result<T, Vec<UserErrorObject>>> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(ServiceError::UserErrors(errors)) => {
            Ok(Err(errors.into_iter().map(Into::into).collect()))
        }
        Err(ServiceError::Unauthenticated(message)) => Err(coded(message, "UNAUTHENTICATED")),
        Err(ServiceError::Forbidden(message)) => Err(coded(message, "FORBIDDEN")),
        Err(ServiceError::Internal(message)) => Err(internal(context, message)),
    }
}

fn services<'a>(context: &'a Context<'_>) -> &'a Services {
    context.data_unchecked::<Services>()
}

fn id_of(id: &ID, kind: NodeKind, argument: &str) -> async_graphql::Result<uuid::Uuid> {
    match decode(id)? {
        (found, uuid) if found == kind => Ok(uuid),
        _ => Err(bad_user_input(format!(
            "{argument}: {:?} is not the ID of a {kind:?}",
            id.0
        ))),
    }
}

fn auth_payload(
    context: &Context<'_>,
    result: ServiceResult<SignedIn>,
) -> async_graphql::Result<AuthPayload> {
    Ok(match outcome(context, result)? {
        Ok(signed_in) => AuthPayload {
            access_token: Some(signed_in.access_token),
            refresh_token: Some(signed_in.refresh_token),
            expires_at: Some(DateTime(signed_in.expires_at)),
            user: Some(UserObject(signed_in.user)),
            user_errors: Vec::new(),
        },
        Err(user_errors) => AuthPayload {
            access_token: None,
            refresh_token: None,
            expires_at: None,
            user: None,
            user_errors,
        },
    })
}

#[Object]
impl Mutation {
    /// Creates an account and signs it in.
    async fn register(
        &self,
        context: &Context<'_>,
        input: RegisterInput,
    ) -> async_graphql::Result<AuthPayload> {
        auth_payload(context, services(context).register(&input).await)
    }

    /// Signs in with email and password. Repeated failures on one email are slowed down.
    async fn login(
        &self,
        context: &Context<'_>,
        input: LoginInput,
    ) -> async_graphql::Result<AuthPayload> {
        auth_payload(context, services(context).login(&input).await)
    }

    /// Exchanges a refresh token (single-use) for a new access token and refresh token.
    async fn refresh_token(
        &self,
        context: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        auth_payload(context, services(context).refresh(&refresh_token).await)
    }

    /// Revokes the refresh token and its family.
    async fn logout(
        &self,
        context: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<bool> {
        let result = services(context).logout(&refresh_token).await;
        Ok(outcome(context, result)?.unwrap_or(false))
    }

    /// Erases the account, its profile and its memberships (the last OWNER of an organisation must hand it over first).
    async fn delete_account(
        &self,
        context: &Context<'_>,
        password: String,
    ) -> async_graphql::Result<DeletionPayload> {
        let result = services(context)
            .delete_account(reader(context), &password)
            .await
            .map(|(user, _)| global_id(NodeKind::User, user.as_uuid()));
        DeletionPayload::from_outcome(context, result)
    }

    /// Creates an organisation; the signed-in user becomes its OWNER.
    async fn create_organisation(
        &self,
        context: &Context<'_>,
        input: OrganisationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        let result = services(context)
            .create_organisation(reader(context), &input)
            .await;
        OrganisationPayload::from_outcome(context, result)
    }

    /// Replaces an organisation's details (members only).
    async fn update_organisation(
        &self,
        context: &Context<'_>,
        id: ID,
        input: OrganisationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        let id = OrganisationId::from_uuid(id_of(&id, NodeKind::Organisation, "id")?);
        let result = services(context)
            .update_organisation(reader(context), id, &input)
            .await;
        OrganisationPayload::from_outcome(context, result)
    }

    /// Adds a registered user to an organisation, or changes their role (OWNER only).
    async fn add_member(
        &self,
        context: &Context<'_>,
        organisation_id: ID,
        email: String,
        role: MemberRoleValue,
    ) -> async_graphql::Result<OrganisationPayload> {
        let organisation = OrganisationId::from_uuid(id_of(
            &organisation_id,
            NodeKind::Organisation,
            "organisationId",
        )?);
        let result = services(context)
            .add_member(reader(context), organisation, &email, role.into())
            .await;
        OrganisationPayload::from_outcome(context, result)
    }

    /// Removes a member (OWNER only); an organisation always keeps at least one OWNER.
    async fn remove_member(
        &self,
        context: &Context<'_>,
        organisation_id: ID,
        user_id: ID,
    ) -> async_graphql::Result<OrganisationPayload> {
        let organisation = OrganisationId::from_uuid(id_of(
            &organisation_id,
            NodeKind::Organisation,
            "organisationId",
        )?);
        let user = UserId::from_uuid(id_of(&user_id, NodeKind::User, "userId")?);
        let result = services(context)
            .remove_member(reader(context), organisation, user)
            .await;
        OrganisationPayload::from_outcome(context, result)
    }

    /// Creates a DRAFT offer of a training provider the signed-in user is a member of.
    async fn create_training_offer(
        &self,
        context: &Context<'_>,
        organisation_id: ID,
        input: TrainingOfferInput,
    ) -> async_graphql::Result<TrainingOfferPayload> {
        let provider = OrganisationId::from_uuid(id_of(
            &organisation_id,
            NodeKind::Organisation,
            "organisationId",
        )?);
        let result = services(context)
            .create_offer(reader(context), provider, &input)
            .await;
        TrainingOfferPayload::from_outcome(context, result)
    }

    /// Replaces the offer's content; fails with a CONFLICT user error when expectedVersion is not the current version.
    async fn update_training_offer(
        &self,
        context: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: TrainingOfferInput,
    ) -> async_graphql::Result<TrainingOfferPayload> {
        let id = TrainingOfferId::from_uuid(id_of(&id, NodeKind::TrainingOffer, "id")?);
        let result = services(context)
            .update_offer(reader(context), id, expected_version, &input)
            .await;
        TrainingOfferPayload::from_outcome(context, result)
    }

    /// Publishes an offer once it is complete; the user errors say what is missing.
    async fn publish_training_offer(
        &self,
        context: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<TrainingOfferPayload> {
        let id = TrainingOfferId::from_uuid(id_of(&id, NodeKind::TrainingOffer, "id")?);
        let result = services(context).publish_offer(reader(context), id).await;
        TrainingOfferPayload::from_outcome(context, result)
    }

    /// Withdraws an offer from search and listings; it stays readable by slug and ID.
    async fn archive_training_offer(
        &self,
        context: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<TrainingOfferPayload> {
        let id = TrainingOfferId::from_uuid(id_of(&id, NodeKind::TrainingOffer, "id")?);
        let result = services(context).archive_offer(reader(context), id).await;
        TrainingOfferPayload::from_outcome(context, result)
    }

    /// Creates or replaces the signed-in user's skill profile.
    async fn upsert_skill_profile(
        &self,
        context: &Context<'_>,
        input: SkillProfileInput,
    ) -> async_graphql::Result<SkillProfilePayload> {
        let result = services(context)
            .upsert_profile(reader(context), &input)
            .await;
        SkillProfilePayload::from_outcome(context, result)
    }

    /// Erases the signed-in user's skill profile.
    async fn delete_skill_profile(
        &self,
        context: &Context<'_>,
    ) -> async_graphql::Result<DeletionPayload> {
        let result = services(context)
            .delete_profile(reader(context))
            .await
            .map(|profile| global_id(NodeKind::SkillProfile, profile.as_uuid()));
        DeletionPayload::from_outcome(context, result)
    }
}
