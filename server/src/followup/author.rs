//! The name a shopper sees on a reply: never the agent's e-mail address. Console users have
//! no display name of their own, so the reply is signed with the first word of the
//! address's local part, capitalised (`anna.smith@shop.example` → "Anna"), which is how
//! shops sign such notes; a local part with no letters signs as the shop ("Team").

/// The display name for the console user with e-mail `email`.
pub fn display_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or("");
    let word = local
        .split(|c: char| !c.is_alphabetic())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => "Team".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_word_capitalised_never_the_address() {
        assert_eq!(display_name("anna.smith@shop.example"), "Anna");
        assert_eq!(display_name("owner@shop.example"), "Owner");
        assert_eq!(display_name("JOSÉ_p@x.example"), "José");
        assert_eq!(display_name("1234@x.example"), "Team");
        assert!(!display_name("a+b@x.example").contains('@'));
    }
}
