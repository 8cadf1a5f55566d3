//! pem
