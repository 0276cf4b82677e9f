//! Organisations and their members, training offers and their lifecycle, skill profiles.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use passerelle_domain::catalogue::{Organisation, SkillProfile, TrainingOffer};
use passerelle_domain::content::{
    ContentLanguage, MAX_DURATION_HOURS, MAX_SEATS, MAX_SESSIONS, MAX_SKILLS, OfferContent,
    OrganisationContent, ProfileContent, ProfileSkillContent, PublicationView, SessionContent,
    session_horizon,
};
use passerelle_domain::{
    CertificationCode, DateRange, Description, DisplayName, Email, Headline, InseeCode, MemberRole,
    Modality, Money, NafCode, OfferStatus, OrganisationId, Reader, Siret, SkillId, SkillLevel,
    SkillProfileId, Summary, Title, TrainingOfferId, UserId, ValidationError, WebUrl,
};
use passerelle_store::{OfferFilter, PageRequest, WriteError};

use super::{Checks, ServiceError, ServiceResult, Services, UserErrorCode, member_of, signed_in};
use crate::graphql::inputs::{OrganisationInput, SkillProfileInput, TrainingOfferInput};

/// A skill slug or commune code to look up, with the path of the input field it came from.
struct Lookup {
    path: Vec<String>,
    value: String,
}

fn path_of(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|part| (*part).to_owned()).collect()
}

fn as_refs(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

fn level(raw: i32) -> Result<SkillLevel, ValidationError> {
    SkillLevel::new(i64::from(raw))
}

fn money(raw: i32) -> Result<Money, ValidationError> {
    Money::from_cents(i64::from(raw))
}

impl Services {
    /// Resolves skill slugs; unknown ones become NOT_FOUND errors at their field.
    async fn resolve_skills(
        &self,
        checks: &mut Checks,
        lookups: &[Lookup],
    ) -> ServiceResult<HashMap<String, SkillId>> {
        let slugs: Vec<String> = lookups.iter().map(|lookup| lookup.value.clone()).collect();
        let found = self.store.skills_by_slugs(&slugs).await?;
        for lookup in lookups {
            if !found.contains_key(&lookup.value) {
                checks.fail(
                    &as_refs(&lookup.path),
                    UserErrorCode::NotFound,
                    format!(
                        "no skill has the slug {:?}: use a slug from the skills query, such as \"rust\"",
                        lookup.value
                    ),
                );
            }
        }
        Ok(found
            .into_iter()
            .map(|(slug, skill)| (slug, skill.id))
            .collect())
    }

    /// Checks INSEE codes exist; unknown ones become NOT_FOUND errors at their field.
    async fn resolve_places(
        &self,
        checks: &mut Checks,
        lookups: &[Lookup],
    ) -> ServiceResult<HashMap<String, InseeCode>> {
        let mut parsed = Vec::new();
        let mut codes = HashMap::new();
        for lookup in lookups {
            if let Some(code) =
                checks.field(&as_refs(&lookup.path), InseeCode::parse(&lookup.value))
            {
                parsed.push(code.clone());
                codes.insert(lookup.value.clone(), code);
            }
        }
        let known = self.store.places(&parsed).await?;
        for lookup in lookups {
            if let Some(code) = codes.get(&lookup.value)
                && !known.contains_key(code)
            {
                checks.fail(
                    &as_refs(&lookup.path),
                    UserErrorCode::NotFound,
                    format!(
                        "no French commune has the INSEE code {:?} (Montpellier is 34172)",
                        lookup.value
                    ),
                );
            }
        }
        codes.retain(|_, code| known.contains_key(code));
        Ok(codes)
    }

    /// Resolves the optional `input.place` commune code; blank means none.
    async fn optional_place(
        &self,
        checks: &mut Checks,
        raw: Option<&str>,
    ) -> ServiceResult<Option<InseeCode>> {
        let Some(code) = raw.map(str::trim).filter(|code| !code.is_empty()) else {
            return Ok(None);
        };
        let lookup = [Lookup {
            path: path_of(&["input", "place"]),
            value: code.to_owned(),
        }];
        Ok(self.resolve_places(checks, &lookup).await?.remove(code))
    }

    /// Flags a list of more than MAX_SKILLS skills (only the first MAX_SKILLS are checked).
    fn check_skill_count(checks: &mut Checks, count: usize) {
        if count > MAX_SKILLS {
            checks.fail(
                &["input", "skills"],
                UserErrorCode::Invalid,
                format!("list at most {MAX_SKILLS} skills"),
            );
        }
    }

    /// Flags a skill listed twice.
    fn check_distinct_skills(checks: &mut Checks, lookups: &[Lookup]) {
        let mut seen = HashSet::new();
        for lookup in lookups {
            if !seen.insert(lookup.value.clone()) {
                checks.fail(
                    &as_refs(&lookup.path),
                    UserErrorCode::Invalid,
                    format!("the skill {:?} is listed twice", lookup.value),
                );
            }
        }
    }

    // ---- organisations ----

    async fn organisation_content(
        &self,
        input: &OrganisationInput,
    ) -> ServiceResult<OrganisationContent> {
        let mut checks = Checks::default();
        let name = checks.field(&["input", "name"], DisplayName::parse(&input.name));
        let siret = checks.optional(&["input", "siret"], input.siret.as_deref(), Siret::parse);
        let naf_code = checks.optional(
            &["input", "nafCode"],
            input.naf_code.as_deref(),
            NafCode::parse,
        );
        let description = checks.optional(
            &["input", "description"],
            input.description.as_deref(),
            Description::parse,
        );
        let website = checks.optional(
            &["input", "website"],
            input.website.as_deref(),
            WebUrl::parse,
        );
        let skill_slugs = input.skills.as_deref().unwrap_or_default();
        Self::check_skill_count(&mut checks, skill_slugs.len());
        let skill_lookups: Vec<Lookup> = skill_slugs
            .iter()
            .take(MAX_SKILLS)
            .enumerate()
            .map(|(index, slug)| Lookup {
                path: path_of(&["input", "skills", &index.to_string()]),
                value: slug.trim().to_owned(),
            })
            .collect();
        Self::check_distinct_skills(&mut checks, &skill_lookups);
        let skills = self.resolve_skills(&mut checks, &skill_lookups).await?;
        let place = self
            .optional_place(&mut checks, input.place.as_deref())
            .await?;
        let clean = checks.is_clean();
        checks.finish()?;
        match (clean, name, siret, naf_code, description, website) {
            (true, Some(name), Some(siret), Some(naf_code), Some(description), Some(website)) => {
                Ok(OrganisationContent {
                    name,
                    siret,
                    naf_code,
                    description,
                    website,
                    place,
                    is_training_provider: input.is_training_provider.unwrap_or(false),
                    skills: skill_lookups
                        .iter()
                        .filter_map(|lookup| skills.get(&lookup.value).copied())
                        .collect(),
                })
            }
            _ => Err(ServiceError::Internal("checked values missing".to_owned())),
        }
    }

    fn taken_siret(error: WriteError) -> ServiceError {
        match error {
            WriteError::Taken(_) => ServiceError::user(
                &["input", "siret"],
                UserErrorCode::Taken,
                "another organisation already has this SIRET",
            ),
            other => other.into(),
        }
    }

    pub(crate) async fn create_organisation(
        &self,
        reader: &Reader,
        input: &OrganisationInput,
    ) -> ServiceResult<Organisation> {
        let user = signed_in(reader)?;
        let content = self.organisation_content(input).await?;
        self.store
            .create_organisation(user, &content)
            .await
            .map_err(Self::taken_siret)
    }

    /// An organisation that exists, or NOT_FOUND at `field`.
    async fn existing_organisation(
        &self,
        id: OrganisationId,
        field: &str,
    ) -> ServiceResult<Organisation> {
        self.store
            .organisations_by_ids(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| {
                ServiceError::user(
                    &[field],
                    UserErrorCode::NotFound,
                    "no organisation has this id",
                )
            })
    }

    pub(crate) async fn update_organisation(
        &self,
        reader: &Reader,
        id: OrganisationId,
        input: &OrganisationInput,
    ) -> ServiceResult<Organisation> {
        let current = self.existing_organisation(id, "id").await?;
        let user = member_of(reader, id, false)?;
        let content = self.organisation_content(input).await?;
        if current.is_training_provider && !content.is_training_provider {
            // Its published offers would be left with a provider that no longer provides.
            let published = self
                .store
                .list_offers(
                    &Reader::Anonymous,
                    &OfferFilter {
                        provider: Some(id),
                        ..OfferFilter::default()
                    },
                    PageRequest {
                        first: 1,
                        after: None,
                    },
                )
                .await?;
            if published.total_count > 0 {
                return Err(ServiceError::user(
                    &["input", "isTrainingProvider"],
                    UserErrorCode::Forbidden,
                    format!(
                        "the organisation still has {} published offer(s): archive them before it stops being a training provider",
                        published.total_count
                    ),
                ));
            }
        }
        self.store
            .update_organisation(user, id, &content)
            .await
            .map_err(Self::taken_siret)
    }

    pub(crate) async fn add_member(
        &self,
        reader: &Reader,
        organisation: OrganisationId,
        email: &str,
        role: MemberRole,
    ) -> ServiceResult<Organisation> {
        let found = self
            .existing_organisation(organisation, "organisationId")
            .await?;
        let actor = member_of(reader, organisation, true)?;
        let email = Email::parse(email).map_err(|error| {
            ServiceError::user(&["email"], UserErrorCode::Invalid, format!("email {error}"))
        })?;
        let member = self.store.user_by_email(&email).await?.ok_or_else(|| {
            ServiceError::user(
                &["email"],
                UserErrorCode::NotFound,
                "no account uses this email: ask the person to register first",
            )
        })?;
        self.store
            .set_member(actor, organisation, member.id, role)
            .await?;
        Ok(found)
    }

    pub(crate) async fn remove_member(
        &self,
        reader: &Reader,
        organisation: OrganisationId,
        member: UserId,
    ) -> ServiceResult<Organisation> {
        let found = self
            .existing_organisation(organisation, "organisationId")
            .await?;
        let actor = member_of(reader, organisation, true)?;
        match self.store.remove_member(actor, organisation, member).await {
            Ok(()) => Ok(found),
            Err(WriteError::NotFound) => Err(ServiceError::user(
                &["userId"],
                UserErrorCode::NotFound,
                "this user is not a member of the organisation",
            )),
            Err(error) => Err(error.into()),
        }
    }

    // ---- training offers ----

    async fn offer_content(&self, input: &TrainingOfferInput) -> ServiceResult<OfferContent> {
        let mut checks = Checks::default();
        let title = checks.field(&["input", "title"], Title::parse(&input.title));
        let summary = checks.field(&["input", "summary"], Summary::parse(&input.summary));
        let description = checks.field(
            &["input", "description"],
            Description::parse(&input.description),
        );
        let prerequisites = checks.optional(
            &["input", "prerequisites"],
            input.prerequisites.as_deref(),
            Description::parse,
        );
        let duration_hours = match u32::try_from(input.duration_hours) {
            Ok(hours) if (1..=MAX_DURATION_HOURS).contains(&hours) => Some(hours),
            _ => {
                checks.fail(
                    &["input", "durationHours"],
                    UserErrorCode::Invalid,
                    format!("durationHours must be between 1 and {MAX_DURATION_HOURS}"),
                );
                None
            }
        };
        let price = match input.price_cents {
            None => Some(None),
            Some(cents) => checks
                .field(&["input", "priceCents"], money(cents))
                .map(Some),
        };
        let certification = match &input.certification {
            None => Some(None),
            Some(certification) => {
                let code = checks.field(
                    &["input", "certification", "code"],
                    CertificationCode::parse(&certification.code),
                );
                let title = checks.field(
                    &["input", "certification", "title"],
                    Title::parse(&certification.title),
                );
                code.zip(title).map(Some)
            }
        };
        let registration_url = checks.optional(
            &["input", "registrationUrl"],
            input.registration_url.as_deref(),
            WebUrl::parse,
        );
        let language = checks.field(
            &["input", "language"],
            ContentLanguage::parse(input.language.as_deref().unwrap_or("fr")),
        );

        if input.skills.is_empty() {
            checks.fail(
                &["input", "skills"],
                UserErrorCode::Required,
                "an offer teaches at least one skill",
            );
        }
        Self::check_skill_count(&mut checks, input.skills.len());
        let mut skill_lookups = Vec::new();
        let mut levels = Vec::new();
        for (index, taught) in input.skills.iter().take(MAX_SKILLS).enumerate() {
            let position = index.to_string();
            skill_lookups.push(Lookup {
                path: path_of(&["input", "skills", &position, "skill"]),
                value: taught.skill.trim().to_owned(),
            });
            levels.push(checks.field(
                &["input", "skills", &position, "level"],
                level(taught.level),
            ));
        }
        Self::check_distinct_skills(&mut checks, &skill_lookups);
        let skills = self.resolve_skills(&mut checks, &skill_lookups).await?;

        let sessions_input = input.sessions.as_deref().unwrap_or_default();
        if sessions_input.len() > MAX_SESSIONS {
            checks.fail(
                &["input", "sessions"],
                UserErrorCode::Invalid,
                format!("list at most {MAX_SESSIONS} sessions"),
            );
        }
        let (earliest, latest) = session_horizon(Utc::now().date_naive());
        let mut place_lookups = Vec::new();
        let mut session_parts = Vec::new();
        for (index, session) in sessions_input.iter().take(MAX_SESSIONS).enumerate() {
            let position = index.to_string();
            let start = session.start_date.0;
            let end = session.end_date.0;
            let mut dates = checks.field(
                &["input", "sessions", &position, "endDate"],
                DateRange::new(start, end).map_err(|_| {
                    ValidationError::Invalid("must not be before startDate".to_owned())
                }),
            );
            for (field, date) in [("startDate", start), ("endDate", end)] {
                if date < earliest || date > latest {
                    checks.fail(
                        &["input", "sessions", &position, field],
                        UserErrorCode::Invalid,
                        format!("{field} must lie between {earliest} and {latest}"),
                    );
                    dates = None;
                }
            }
            let seats = match session.seats {
                None => Some(None),
                Some(seats) => match u32::try_from(seats) {
                    Ok(seats) if (1..=MAX_SEATS).contains(&seats) => Some(Some(seats)),
                    _ => {
                        checks.fail(
                            &["input", "sessions", &position, "seats"],
                            UserErrorCode::Invalid,
                            format!("seats must be between 1 and {MAX_SEATS}"),
                        );
                        None
                    }
                },
            };
            let place = session
                .place
                .as_deref()
                .map(str::trim)
                .filter(|code| !code.is_empty())
                .map(str::to_owned);
            if let Some(code) = &place {
                place_lookups.push(Lookup {
                    path: path_of(&["input", "sessions", &position, "place"]),
                    value: code.clone(),
                });
            }
            session_parts.push((dates, place, seats));
        }
        let places = self.resolve_places(&mut checks, &place_lookups).await?;

        let clean = checks.is_clean();
        checks.finish()?;
        let missing = || ServiceError::Internal("checked values missing".to_owned());
        if !clean {
            return Err(missing());
        }
        let mut taught = Vec::new();
        for (lookup, level) in skill_lookups.iter().zip(levels) {
            taught.push((
                *skills.get(&lookup.value).ok_or_else(missing)?,
                level.ok_or_else(missing)?,
            ));
        }
        let mut sessions = Vec::new();
        for (dates, place, seats) in session_parts {
            sessions.push(SessionContent {
                dates: dates.ok_or_else(missing)?,
                place: match place {
                    Some(code) => Some(places.get(&code).cloned().ok_or_else(missing)?),
                    None => None,
                },
                seats: seats.ok_or_else(missing)?,
            });
        }
        Ok(OfferContent {
            title: title.ok_or_else(missing)?,
            summary: summary.ok_or_else(missing)?,
            description: description.ok_or_else(missing)?,
            skills: taught,
            prerequisites: prerequisites.ok_or_else(missing)?,
            modality: Modality::from(input.modality),
            duration_hours: duration_hours.ok_or_else(missing)?,
            price: price.ok_or_else(missing)?,
            cpf_eligible: input.cpf_eligible.unwrap_or(false),
            certification: certification.ok_or_else(missing)?,
            registration_url: registration_url.ok_or_else(missing)?,
            language: language.ok_or_else(missing)?,
            sessions,
        })
    }

    pub(crate) async fn create_offer(
        &self,
        reader: &Reader,
        provider: OrganisationId,
        input: &TrainingOfferInput,
    ) -> ServiceResult<TrainingOffer> {
        let organisation = self
            .existing_organisation(provider, "organisationId")
            .await?;
        let user = member_of(reader, provider, false)?;
        if !organisation.is_training_provider {
            return Err(ServiceError::user(
                &["organisationId"],
                UserErrorCode::Forbidden,
                format!(
                    "{} is not a training provider: set isTrainingProvider with updateOrganisation first",
                    organisation.name
                ),
            ));
        }
        let content = self.offer_content(input).await?;
        Ok(self.store.create_offer(user, provider, &content).await?)
    }

    /// An offer the reader may change: NOT_FOUND when it does not exist or is a draft they
    /// cannot see (its existence stays secret), FORBIDDEN when they only read it.
    async fn offer_to_change(
        &self,
        reader: &Reader,
        id: TrainingOfferId,
    ) -> ServiceResult<(UserId, TrainingOffer)> {
        let user = signed_in(reader)?;
        let not_found = || {
            ServiceError::user(
                &["id"],
                UserErrorCode::NotFound,
                "no training offer has this id",
            )
        };
        let offer = self
            .store
            .offer_for_writing(id)
            .await?
            .ok_or_else(not_found)?;
        if !reader.can_read_offer(offer.status, offer.provider_id) {
            return Err(not_found());
        }
        member_of(reader, offer.provider_id, false)?;
        Ok((user, offer))
    }

    fn conflict(current: u32) -> ServiceError {
        ServiceError::user(
            &["expectedVersion"],
            UserErrorCode::Conflict,
            format!(
                "the offer changed since you read it (it is now at version {current}): reload it, reapply your changes and send expectedVersion {current}"
            ),
        )
    }

    pub(crate) async fn update_offer(
        &self,
        reader: &Reader,
        id: TrainingOfferId,
        expected_version: i32,
        input: &TrainingOfferInput,
    ) -> ServiceResult<TrainingOffer> {
        let (user, offer) = self.offer_to_change(reader, id).await?;
        let expected =
            u32::try_from(expected_version).map_err(|_| Self::conflict(offer.version))?;
        let content = self.offer_content(input).await?;
        if offer.status == OfferStatus::Published {
            // A published offer stays complete: an edit cannot take away what publishing
            // required.
            let missing = PublicationView::of_content(&content).missing(Utc::now().date_naive());
            if !missing.is_empty() {
                return Err(ServiceError::UserErrors(
                    missing
                        .into_iter()
                        .map(|(field, message)| {
                            super::UserError::new(
                                &["input", field],
                                UserErrorCode::Required,
                                message,
                            )
                        })
                        .collect(),
                ));
            }
        }
        match self.store.update_offer(user, id, expected, &content).await {
            Ok(offer) => Ok(offer),
            Err(WriteError::Conflict { current }) => Err(Self::conflict(current)),
            Err(error) => Err(error.into()),
        }
    }

    pub(crate) async fn publish_offer(
        &self,
        reader: &Reader,
        id: TrainingOfferId,
    ) -> ServiceResult<TrainingOffer> {
        let (user, offer) = self.offer_to_change(reader, id).await?;
        if offer.status == OfferStatus::Published {
            return Ok(offer);
        }
        let taught = self
            .store
            .taught_skills(&[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        let sessions = self
            .store
            .sessions_of_offers(&[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        let missing =
            PublicationView::of_offer(&offer, &taught, &sessions).missing(Utc::now().date_naive());
        if !missing.is_empty() {
            return Err(ServiceError::UserErrors(
                missing
                    .into_iter()
                    .map(|(field, message)| {
                        super::UserError::new(
                            &[field],
                            UserErrorCode::Required,
                            format!("cannot publish yet: {message}; complete it with updateTrainingOffer"),
                        )
                    })
                    .collect(),
            ));
        }
        // The completeness was checked on this version: if someone edits it meanwhile, the
        // status change fails rather than publishing content nobody checked.
        match self
            .store
            .set_offer_status(user, id, offer.version, OfferStatus::Published)
            .await
        {
            Ok(offer) => Ok(offer),
            Err(WriteError::Conflict { current }) => Err(Self::conflict(current)),
            Err(error) => Err(error.into()),
        }
    }

    pub(crate) async fn archive_offer(
        &self,
        reader: &Reader,
        id: TrainingOfferId,
    ) -> ServiceResult<TrainingOffer> {
        let (user, offer) = self.offer_to_change(reader, id).await?;
        if offer.status == OfferStatus::Archived {
            return Ok(offer);
        }
        match self
            .store
            .set_offer_status(user, id, offer.version, OfferStatus::Archived)
            .await
        {
            Ok(offer) => Ok(offer),
            Err(WriteError::Conflict { current }) => Err(Self::conflict(current)),
            Err(error) => Err(error.into()),
        }
    }

    // ---- skill profiles ----

    pub(crate) async fn upsert_profile(
        &self,
        reader: &Reader,
        input: &SkillProfileInput,
    ) -> ServiceResult<SkillProfile> {
        let user = signed_in(reader)?;
        let mut checks = Checks::default();
        let display_name = checks.field(
            &["input", "displayName"],
            DisplayName::parse(&input.display_name),
        );
        let headline = checks.field(&["input", "headline"], Headline::parse(&input.headline));
        let summary = checks.optional(
            &["input", "summary"],
            input.summary.as_deref(),
            Description::parse,
        );
        let daily_rate = match input.daily_rate_cents {
            None => Some(None),
            Some(cents) => checks
                .field(&["input", "dailyRateCents"], money(cents))
                .map(Some),
        };
        let contact_email = checks.optional(
            &["input", "contactEmail"],
            input.contact_email.as_deref(),
            Email::parse,
        );
        Self::check_skill_count(&mut checks, input.skills.len());
        let mut skill_lookups = Vec::new();
        let mut held = Vec::new();
        for (index, skill) in input.skills.iter().take(MAX_SKILLS).enumerate() {
            let position = index.to_string();
            skill_lookups.push(Lookup {
                path: path_of(&["input", "skills", &position, "skill"]),
                value: skill.skill.trim().to_owned(),
            });
            let level = checks.field(&["input", "skills", &position, "level"], level(skill.level));
            let years = match skill.years {
                None => Some(None),
                Some(years) => match u8::try_from(years) {
                    Ok(years) if years <= 60 => Some(Some(years)),
                    _ => {
                        checks.fail(
                            &["input", "skills", &position, "years"],
                            UserErrorCode::Invalid,
                            "years must be between 0 and 60",
                        );
                        None
                    }
                },
            };
            held.push((level, years));
        }
        Self::check_distinct_skills(&mut checks, &skill_lookups);
        let skills = self.resolve_skills(&mut checks, &skill_lookups).await?;
        let place = self
            .optional_place(&mut checks, input.place.as_deref())
            .await?;
        let clean = checks.is_clean();
        checks.finish()?;
        let missing = || ServiceError::Internal("checked values missing".to_owned());
        if !clean {
            return Err(missing());
        }
        let mut profile_skills = Vec::new();
        for (lookup, (level, years)) in skill_lookups.iter().zip(held) {
            profile_skills.push(ProfileSkillContent {
                skill: *skills.get(&lookup.value).ok_or_else(missing)?,
                level: level.ok_or_else(missing)?,
                years: years.ok_or_else(missing)?,
            });
        }
        let content = ProfileContent {
            display_name: display_name.ok_or_else(missing)?,
            headline: headline.ok_or_else(missing)?,
            summary: summary.ok_or_else(missing)?,
            place,
            remote: input.remote.unwrap_or(false),
            available_from: input.available_from.map(|date| date.0),
            daily_rate: daily_rate.ok_or_else(missing)?,
            skills: profile_skills,
            visibility: input
                .visibility
                .map_or(passerelle_domain::Visibility::Public, Into::into),
            contact_email: contact_email.ok_or_else(missing)?,
        };
        Ok(self
            .store
            .upsert_profile(user, &content, ContentLanguage::French.code())
            .await?)
    }

    pub(crate) async fn delete_profile(&self, reader: &Reader) -> ServiceResult<SkillProfileId> {
        let user = signed_in(reader)?;
        self.store.delete_profile(user).await?.ok_or_else(|| {
            ServiceError::user(
                &[],
                UserErrorCode::NotFound,
                "you have no skill profile to delete",
            )
        })
    }
}
