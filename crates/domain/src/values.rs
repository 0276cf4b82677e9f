use chrono::NaiveDate;

use crate::ValidationError;

/// How well a skill is held or taught, from 1 (notions) to 5 (expert).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SkillLevel(u8);

impl SkillLevel {
    pub const MIN: SkillLevel = SkillLevel(1);
    pub const MAX: SkillLevel = SkillLevel(5);

    pub fn new(level: i64) -> Result<Self, ValidationError> {
        match u8::try_from(level) {
            Ok(level @ 1..=5) => Ok(Self(level)),
            _ => Err(ValidationError::invalid(
                "a skill level goes from 1 (notions) to 5 (expert)",
            )),
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

/// An amount of money in integer euro cents, never negative (prices and daily rates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Money {
    cents: i64,
}

impl Money {
    /// The currency every amount of the marketplace is in.
    pub const CURRENCY: &'static str = "EUR";
    /// A ceiling far above any training price, which keeps amounts within a GraphQL `Int`.
    pub const MAX_CENTS: i64 = 2_000_000_000;

    pub fn from_cents(cents: i64) -> Result<Self, ValidationError> {
        if cents < 0 {
            return Err(ValidationError::invalid("an amount cannot be negative"));
        }
        if cents > Self::MAX_CENTS {
            return Err(ValidationError::invalid(
                "an amount cannot exceed 20,000,000 euros",
            ));
        }
        Ok(Self { cents })
    }

    pub fn from_euros(euros: u32) -> Self {
        Self {
            cents: i64::from(euros) * 100,
        }
    }

    pub const fn cents(self) -> i64 {
        self.cents
    }
}

/// Dates from `start` to `end` inclusive, with `end` never before `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, ValidationError> {
        if end < start {
            return Err(ValidationError::invalid(format!(
                "the end date {end} is before the start date {start}"
            )));
        }
        Ok(Self { start, end })
    }

    pub const fn start(&self) -> NaiveDate {
        self.start
    }

    pub const fn end(&self) -> NaiveDate {
        self.end
    }

    /// Number of calendar days covered, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// A point on Earth in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    latitude: f64,
    longitude: f64,
}

impl GeoPoint {
    const EARTH_RADIUS_KM: f64 = 6371.0088;

    pub fn new(latitude: f64, longitude: f64) -> Result<Self, ValidationError> {
        if !(-90.0..=90.0).contains(&latitude) || !latitude.is_finite() {
            return Err(ValidationError::invalid(
                "a latitude lies between -90 and 90 degrees",
            ));
        }
        if !(-180.0..=180.0).contains(&longitude) || !longitude.is_finite() {
            return Err(ValidationError::invalid(
                "a longitude lies between -180 and 180 degrees",
            ));
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }

    pub const fn latitude(&self) -> f64 {
        self.latitude
    }

    pub const fn longitude(&self) -> f64 {
        self.longitude
    }

    /// Great-circle distance in kilometres (haversine formula).
    pub fn distance_km(&self, other: &GeoPoint) -> f64 {
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let delta_lat = lat2 - lat1;
        let delta_lon = (other.longitude - self.longitude).to_radians();
        let a = (delta_lat / 2.0).sin().powi(2)
            + lat1.cos() * lat2.cos() * (delta_lon / 2.0).sin().powi(2);
        2.0 * Self::EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn montpellier_is_about_195_km_from_toulouse() {
        let montpellier = GeoPoint::new(43.6109, 3.8772).unwrap();
        let toulouse = GeoPoint::new(43.6045, 1.4440).unwrap();
        let distance = montpellier.distance_km(&toulouse);
        assert!((190.0..200.0).contains(&distance), "{distance}");
    }

    proptest! {
        #[test]
        fn skill_levels_are_exactly_one_to_five(level in -10i64..20) {
            prop_assert_eq!(SkillLevel::new(level).is_ok(), (1..=5).contains(&level));
        }

        #[test]
        fn money_is_never_negative(cents in i64::MIN..i64::MAX) {
            match Money::from_cents(cents) {
                Ok(money) => prop_assert!(money.cents() >= 0 && money.cents() == cents),
                Err(_) => prop_assert!(!(0..=Money::MAX_CENTS).contains(&cents)),
            }
        }

        #[test]
        fn a_date_range_never_ends_before_it_starts(start in 0i32..20_000, length in -400i32..400) {
            let start = NaiveDate::from_num_days_from_ce_opt(730_000 + start).unwrap();
            let end = start + chrono::Duration::days(i64::from(length));
            match DateRange::new(start, end) {
                Ok(range) => prop_assert!(range.end() >= range.start() && range.days() == i64::from(length) + 1),
                Err(_) => prop_assert!(length < 0),
            }
        }

        #[test]
        fn distance_is_symmetric_and_non_negative(
            lat1 in -90.0f64..90.0, lon1 in -180.0f64..180.0, lat2 in -90.0f64..90.0, lon2 in -180.0f64..180.0,
        ) {
            let a = GeoPoint::new(lat1, lon1).unwrap();
            let b = GeoPoint::new(lat2, lon2).unwrap();
            prop_assert!(a.distance_km(&b) >= 0.0);
            prop_assert!((a.distance_km(&b) - b.distance_km(&a)).abs() < 1e-6);
        }
    }
}
