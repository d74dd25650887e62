//! Decodes an answer of Upsert Contact (stdin) with the crate generated from the spec that
//! absorbed the drift, and prints what its new typed fields hold.

use highlevel_contacts::types::UpsertContactResponse;

fn main() {
    let body = std::io::read_to_string(std::io::stdin()).expect("an answer on stdin");
    let answer: UpsertContactResponse = serde_json::from_str(&body).expect("the answer decodes");
    let contact = answer.contact;
    println!("preferred_language {:?}", contact.preferred_language);
    println!("tags {:?}", contact.tags);
    let sms = contact.dnd_settings.and_then(|settings| settings.sms);
    println!("sms {:?}", sms.map(|setting| setting.status));
}
