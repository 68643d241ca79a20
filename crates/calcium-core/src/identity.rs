//! The rules of the identity statistics table (MAJ_IDENTITE, SPEC §6): a student's age on a
//! given day, the age group it falls in, and the nationality group of a CODE_NATIO.
//!
//! The statistics page and its CSV downloads show the codes and labels defined here, so the
//! job that fills the table and the page that reads it cannot disagree.

use jiff::civil::Date;

/// A student's age in whole years on `day`.
///
/// The birthday is reached when `day`'s (month, day) is at or past the birth's. Someone born
/// on 29 February therefore turns a year older on 1 March in a common year, as a month-day
/// comparison (and PostgreSQL's `age()`) reckons it, never on 28 February. A `day` before the
/// birth gives 0: the base only holds birth dates checked not to be in the future, and a
/// negative age would only mislead the statistics.
pub fn age_on(birth: Date, day: Date) -> i16 {
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0)
}

/// The age groups of the statistics: under 18, then three years a group up to 30 and over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgeGroup {
    Under18,
    From18To20,
    From21To23,
    From24To26,
    From27To29,
    From30,
}

impl AgeGroup {
    /// Youngest first, the order of the pyramid's rows (from the bottom) and of the CSV.
    pub const ALL: [AgeGroup; 6] = [
        AgeGroup::Under18,
        AgeGroup::From18To20,
        AgeGroup::From21To23,
        AgeGroup::From24To26,
        AgeGroup::From27To29,
        AgeGroup::From30,
    ];

    pub fn of_age(age: i16) -> AgeGroup {
        match age {
            ..18 => AgeGroup::Under18,
            18..=20 => AgeGroup::From18To20,
            21..=23 => AgeGroup::From21To23,
            24..=26 => AgeGroup::From24To26,
            27..=29 => AgeGroup::From27To29,
            30.. => AgeGroup::From30,
        }
    }

    /// The code stored in `identity_stat.age_group`.
    pub fn code(self) -> &'static str {
        match self {
            AgeGroup::Under18 => "<18",
            AgeGroup::From18To20 => "18-20",
            AgeGroup::From21To23 => "21-23",
            AgeGroup::From24To26 => "24-26",
            AgeGroup::From27To29 => "27-29",
            AgeGroup::From30 => "30+",
        }
    }

    /// What the page shows.
    pub fn label(self) -> &'static str {
        match self {
            AgeGroup::Under18 => "moins de 18 ans",
            AgeGroup::From18To20 => "18 à 20 ans",
            AgeGroup::From21To23 => "21 à 23 ans",
            AgeGroup::From24To26 => "24 à 26 ans",
            AgeGroup::From27To29 => "27 à 29 ans",
            AgeGroup::From30 => "30 ans et plus",
        }
    }

    pub fn parse(code: &str) -> Option<AgeGroup> {
        AgeGroup::ALL.into_iter().find(|group| group.code() == code)
    }
}

/// France, another member of the European Union, or any other country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NationalityGroup {
    France,
    EuropeanUnion,
    OutsideEu,
}

/// The CODE_NATIO of France in the PAYS nomenclature.
pub const FRANCE: &str = "100";

impl NationalityGroup {
    pub const ALL: [NationalityGroup; 3] =
        [NationalityGroup::France, NationalityGroup::EuropeanUnion, NationalityGroup::OutsideEu];

    /// The group of a CODE_NATIO, given whether the PAYS nomenclature marks that country as a
    /// member of the Union (`None`: the nomenclature does not know the code). A code the
    /// nomenclature does not know cannot be shown to be a member: it counts outside the Union.
    pub fn of(code_natio: &str, eu_member: Option<bool>) -> NationalityGroup {
        if code_natio.trim() == FRANCE {
            NationalityGroup::France
        } else if eu_member == Some(true) {
            NationalityGroup::EuropeanUnion
        } else {
            NationalityGroup::OutsideEu
        }
    }

    /// The code stored in `identity_stat.nationality_group`.
    pub fn code(self) -> &'static str {
        match self {
            NationalityGroup::France => "FRANCE",
            NationalityGroup::EuropeanUnion => "UE",
            NationalityGroup::OutsideEu => "HORS_UE",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NationalityGroup::France => "France",
            NationalityGroup::EuropeanUnion => "Union européenne",
            NationalityGroup::OutsideEu => "Hors Union européenne",
        }
    }

    pub fn parse(code: &str) -> Option<NationalityGroup> {
        NationalityGroup::ALL.into_iter().find(|group| group.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn age_is_reached_on_the_birthday_itself() {
        assert_eq!(age_on(date(2005, 6, 15), date(2025, 6, 14)), 19);
        assert_eq!(age_on(date(2005, 6, 15), date(2025, 6, 15)), 20);
        assert_eq!(age_on(date(2005, 6, 15), date(2025, 12, 31)), 20);
    }

    #[test]
    fn someone_born_on_29_february_turns_older_on_1_march_of_a_common_year() {
        let birth = date(2004, 2, 29);
        assert_eq!(age_on(birth, date(2025, 2, 28)), 20);
        assert_eq!(age_on(birth, date(2025, 3, 1)), 21);
        // In a leap year, on the day itself.
        assert_eq!(age_on(birth, date(2024, 2, 28)), 19);
        assert_eq!(age_on(birth, date(2024, 2, 29)), 20);
    }

    #[test]
    fn a_day_before_the_birth_gives_age_zero() {
        assert_eq!(age_on(date(2030, 1, 1), date(2025, 1, 1)), 0);
    }

    #[test]
    fn age_groups_have_the_bounds_of_the_statistics() {
        let groups: Vec<&str> = [0, 17, 18, 20, 21, 23, 24, 26, 27, 29, 30, 75]
            .into_iter()
            .map(|age| AgeGroup::of_age(age).code())
            .collect();
        assert_eq!(
            groups,
            ["<18", "<18", "18-20", "18-20", "21-23", "21-23", "24-26", "24-26", "27-29", "27-29", "30+", "30+"]
        );
        for group in AgeGroup::ALL {
            assert_eq!(AgeGroup::parse(group.code()), Some(group));
        }
    }

    #[test]
    fn nationality_groups_come_from_the_eu_membership_of_the_country() {
        assert_eq!(NationalityGroup::of("100", Some(true)), NationalityGroup::France);
        assert_eq!(NationalityGroup::of("127", Some(true)), NationalityGroup::EuropeanUnion);
        assert_eq!(NationalityGroup::of("132", Some(false)), NationalityGroup::OutsideEu);
        assert_eq!(NationalityGroup::of("999", None), NationalityGroup::OutsideEu);
    }
}
