pub fn public_api() {}
