//! Opaque global identifiers: the type name and the UUID, base64url-encoded, so that `node(id:)`
//! knows what to load. Clients must treat them as opaque strings.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use super::errors::bad_user_input;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Skill,
    Organisation,
    TrainingOffer,
    TrainingSession,
    SkillProfile,
    User,
}

impl NodeKind {
    const ALL: [NodeKind; 6] = [
        NodeKind::Skill,
        NodeKind::Organisation,
        NodeKind::TrainingOffer,
        NodeKind::TrainingSession,
        NodeKind::SkillProfile,
        NodeKind::User,
    ];

    fn type_name(self) -> &'static str {
        match self {
            NodeKind::Skill => "Skill",
            NodeKind::Organisation => "Organisation",
            NodeKind::TrainingOffer => "TrainingOffer",
            NodeKind::TrainingSession => "TrainingSession",
            NodeKind::SkillProfile => "SkillProfile",
            NodeKind::User => "User",
        }
    }
}

pub(crate) fn global_id(kind: NodeKind, uuid: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{uuid}", kind.type_name())))
}

/// Decodes a global ID, or says that it is not one of ours.
pub(crate) fn decode(id: &ID) -> async_graphql::Result<(NodeKind, Uuid)> {
    let invalid = || {
        bad_user_input(format!(
            "{:?} is not a Passerelle ID: use an `id` returned by this API",
            id.0
        ))
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(id.0.as_bytes())
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (type_name, uuid) = text.split_once(':').ok_or_else(invalid)?;
    let kind = NodeKind::ALL
        .into_iter()
        .find(|kind| kind.type_name() == type_name)
        .ok_or_else(invalid)?;
    let uuid = Uuid::parse_str(uuid).map_err(|_| invalid())?;
    Ok((kind, uuid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_garbage_is_refused() {
        let uuid = Uuid::now_v7();
        let id = global_id(NodeKind::TrainingOffer, uuid);
        assert_eq!(decode(&id).unwrap(), (NodeKind::TrainingOffer, uuid));
        assert!(decode(&ID("not-an-id".into())).is_err());
        assert!(decode(&ID(URL_SAFE_NO_PAD.encode(format!("Invoice:{uuid}")))).is_err());
    }
}
