//! One module a page.

pub mod about;
pub mod annexes;
pub mod dashboard;
pub mod dossier;
pub mod formations;
pub mod home;
pub mod my_dossiers;
pub mod password;
pub mod signing;
pub mod users;
