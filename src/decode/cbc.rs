//! CBC decryption, shared by PKCS#12's legacy bags and legacy encrypted PEM keys (both
//! pad with PKCS#7).

use zeroize::Zeroizing;

/// CBC decryption with PKCS#7 padding; None on a bad key length or padding.
pub(super) fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>>
where
    C: cbc::cipher::BlockCipherDecrypt + cbc::cipher::KeyInit,
{
    use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    decryptor
        .decrypt_padded_vec::<Pkcs7>(data)
        .ok()
        .map(Zeroizing::new)
}
