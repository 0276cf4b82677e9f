//! Who may see and change what. Every read path asks the [`Reader`]; every write path asks the
//! same rules through [`Reader::role_in`].

use crate::{MemberRole, OfferStatus, OrganisationId, UserId, Visibility};

/// Who is reading: decides which records exist for them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Reader {
    #[default]
    Anonymous,
    /// A user with a valid access token, and their organisations as of this request.
    SignedIn {
        user: UserId,
        memberships: Vec<(OrganisationId, MemberRole)>,
    },
}

impl Reader {
    pub fn user(&self) -> Option<UserId> {
        match self {
            Reader::Anonymous => None,
            Reader::SignedIn { user, .. } => Some(*user),
        }
    }

    /// The reader's role in an organisation, if they belong to it.
    pub fn role_in(&self, organisation: OrganisationId) -> Option<MemberRole> {
        match self {
            Reader::Anonymous => None,
            Reader::SignedIn { memberships, .. } => memberships
                .iter()
                .find(|(id, _)| *id == organisation)
                .map(|(_, role)| *role),
        }
    }

    /// Organisations whose drafts the reader may see.
    pub fn organisations(&self) -> Vec<OrganisationId> {
        match self {
            Reader::Anonymous => Vec::new(),
            Reader::SignedIn { memberships, .. } => memberships.iter().map(|(id, _)| *id).collect(),
        }
    }

    /// Drafts are for their organisation's members only; published and archived offers are for
    /// everyone (archived ones stay readable so links keep working).
    pub fn can_read_offer(&self, status: OfferStatus, provider: OrganisationId) -> bool {
        status != OfferStatus::Draft || self.role_in(provider).is_some()
    }

    /// PUBLIC profiles for everyone, MEMBERS ones for signed-in users, PRIVATE ones for their
    /// owner only.
    pub fn can_see_profile(&self, visibility: Visibility, owner: UserId) -> bool {
        match visibility {
            Visibility::Public => true,
            Visibility::Members => self.user().is_some(),
            Visibility::Private => self.user() == Some(owner),
        }
    }

    /// Whether this reader may see how to contact the people behind profiles.
    pub fn can_see_contact_details(&self) -> bool {
        self.user().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_in(memberships: Vec<(OrganisationId, MemberRole)>) -> (UserId, Reader) {
        let user = UserId::generate();
        (user, Reader::SignedIn { user, memberships })
    }

    #[test]
    fn drafts_are_for_members_of_their_organisation_only() {
        let provider = OrganisationId::generate();
        let (_, member) = signed_in(vec![(provider, MemberRole::Editor)]);
        let (_, outsider) = signed_in(vec![(OrganisationId::generate(), MemberRole::Owner)]);
        assert!(member.can_read_offer(OfferStatus::Draft, provider));
        assert!(!outsider.can_read_offer(OfferStatus::Draft, provider));
        assert!(!Reader::Anonymous.can_read_offer(OfferStatus::Draft, provider));
        for reader in [&member, &outsider, &Reader::Anonymous] {
            assert!(reader.can_read_offer(OfferStatus::Archived, provider));
            assert!(reader.can_read_offer(OfferStatus::Published, provider));
        }
    }

    #[test]
    fn profile_visibility_follows_who_is_signed_in() {
        let (owner_id, owner) = signed_in(Vec::new());
        let (_, other) = signed_in(Vec::new());
        let anonymous = Reader::Anonymous;
        assert!(anonymous.can_see_profile(Visibility::Public, owner_id));
        assert!(!anonymous.can_see_profile(Visibility::Members, owner_id));
        assert!(other.can_see_profile(Visibility::Members, owner_id));
        assert!(!other.can_see_profile(Visibility::Private, owner_id));
        assert!(owner.can_see_profile(Visibility::Private, owner_id));
        assert!(!anonymous.can_see_contact_details());
        assert!(other.can_see_contact_details());
    }
}
