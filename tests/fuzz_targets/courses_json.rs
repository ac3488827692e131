//! `document::from_json::<Vec<Course>>`: a courses document reads back from its own JSON and
//! holds only finite numbers.

use therapeutic_alliance::Course;

pub fn run(data: &[u8]) {
    let Some(json) = super::text(data) else {
        return;
    };
    if let Some(courses) = super::round_trip::<Vec<Course>>("courses", json) {
        super::assert_finite("courses", &courses);
    }
    // a single course too (the shape apps store per client)
    if let Some(course) = super::round_trip::<Course>("course", json) {
        super::assert_finite("course", &course);
    }
}
