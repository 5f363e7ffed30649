//! A certificate the user brings (`--certificate-file`): PEM or DER X.509, read at the edge and
//! checked here, in memory. Only the public certificate is kept; a file holding a private key is
//! refused, so that nothing secret can reach the bundle or the tenant.
//!
//! The DER is read just far enough for what a runbook shows (RFC 5280, section 4.1: `Certificate
//! ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`, `TBSCertificate ::=
//! SEQUENCE { [0] version, serialNumber, signature, issuer, validity, subject, ... }`).

use serde::Serialize;

use crate::date::Date;

/// A certificate's public part and what the runbook and scripts need of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Certificate {
    /// The file it was read from, as given.
    pub file: String,
    /// The certificate alone, as PEM: what `certificate.pem` holds and az uploads.
    #[serde(skip)]
    pub pem: String,
    /// SHA-1 of the DER, upper-case hex: Entra's `customKeyIdentifier` and the product's thumbprint.
    pub thumbprint: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_before: String,
    pub not_after: String,
    pub subject: Option<String>,
}

impl Certificate {
    /// The day the certificate expires.
    pub fn expires(&self) -> Option<Date> {
        self.not_after.get(..10).and_then(|d| d.parse().ok())
    }
}

/// Reads `bytes` (the content of `file`) as one X.509 certificate, PEM or DER, valid on `as_of`.
pub fn parse(file: &str, bytes: &[u8], as_of: Date) -> Result<Certificate, String> {
    let der = match std::str::from_utf8(bytes).ok().filter(|t| t.contains("-----BEGIN ")) {
        Some(text) => from_pem(file, text)?,
        None => bytes.to_vec(),
    };
    let fields = read_der(&der).ok_or_else(|| {
        if looks_like_private_key(&der) {
            format!("`{file}` holds a private key, not a certificate: give the public certificate only (.pem or .cer)")
        } else {
            format!(
                "`{file}` is not an X.509 certificate in PEM or DER form (a .pfx must be exported first: \
                 openssl pkcs12 -in FILE.pfx -clcerts -nokeys -out cert.pem)"
            )
        }
    })?;
    let cert = Certificate {
        file: file.to_string(),
        pem: to_pem(&der),
        thumbprint: sha1_smol::Sha1::from(&der).digest().to_string().to_ascii_uppercase(),
        not_before: fields.not_before,
        not_after: fields.not_after,
        subject: fields.subject,
    };
    match cert.expires() {
        Some(day) if day < as_of => Err(format!(
            "`{file}`: the certificate expired on {} (as of {as_of}); give a certificate that is still valid",
            cert.not_after
        )),
        Some(_) => Ok(cert),
        None => Err(format!("`{file}`: the certificate's validity dates cannot be read")),
    }
}

/// The one CERTIFICATE block of a PEM text; any private key in it is refused.
fn from_pem(file: &str, text: &str) -> Result<Vec<u8>, String> {
    let mut certificates = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let label = after.split("-----").next().unwrap_or("").trim();
        if label.contains("PRIVATE KEY") {
            return Err(format!(
                "`{file}` holds a private key ({label}): only the public certificate may be given; \
                 extract it with `openssl x509 -in {file} -out cert.pem` and give cert.pem"
            ));
        }
        let end_marker = format!("-----END {label}-----");
        let body_start = after.find("-----").map_or(0, |i| i + 5);
        let Some(end) = after.find(&end_marker) else {
            return Err(format!("`{file}`: the PEM block `{label}` has no END line"));
        };
        if label == "CERTIFICATE" {
            let body = &after[body_start..end];
            certificates.push(
                base64_decode(body).ok_or_else(|| format!("`{file}`: the CERTIFICATE block is not valid base64"))?,
            );
        }
        rest = &after[end + end_marker.len()..];
    }
    match certificates.len() {
        1 => Ok(certificates.remove(0)),
        0 => Err(format!("`{file}` holds no CERTIFICATE block")),
        n => Err(format!("`{file}` holds {n} certificates: give the app's own certificate alone, without its chain")),
    }
}

struct Fields {
    not_before: String,
    not_after: String,
    subject: Option<String>,
}

/// One DER element: (tag, content, the rest after it).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        (rest[..n].iter().fold(0usize, |acc, &x| (acc << 8) | usize::from(x)), &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

fn read_der(der: &[u8]) -> Option<Fields> {
    let (0x30, cert, trailing) = tlv(der)? else { return None };
    if !trailing.is_empty() {
        return None;
    }
    let (0x30, tbs, after_tbs) = tlv(cert)? else { return None };
    let (0x30, _, after_alg) = tlv(after_tbs)? else { return None };
    let (0x03, _, _) = tlv(after_alg)? else { return None };
    let mut rest = tbs;
    let (tag, _, r) = tlv(rest)?;
    if tag == 0xa0 {
        rest = r;
    }
    let (0x02, _, r) = tlv(rest)? else { return None };
    let (0x30, _, r) = tlv(r)? else { return None };
    let (0x30, _, r) = tlv(r)? else { return None };
    let (0x30, validity, r) = tlv(r)? else { return None };
    let (0x30, subject, _) = tlv(r)? else { return None };
    let (t1, nb, v) = tlv(validity)?;
    let (t2, na, _) = tlv(v)?;
    Some(Fields { not_before: time(t1, nb)?, not_after: time(t2, na)?, subject: common_name(subject) })
}

/// UTCTime (`YYMMDDHHMMSSZ`, years 1950-2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) as ISO 8601.
fn time(tag: u8, b: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(b).ok()?;
    let digits = s.strip_suffix('Z')?;
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let full = match (tag, digits.len()) {
        (0x17, 12) => {
            let yy: u32 = digits[..2].parse().ok()?;
            format!("{}{digits}", if yy < 50 { "20" } else { "19" })
        }
        (0x18, 14) => digits.to_string(),
        _ => return None,
    };
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &full[0..4],
        &full[4..6],
        &full[6..8],
        &full[8..10],
        &full[10..12],
        &full[12..14]
    );
    iso[..10].parse::<Date>().ok()?;
    Some(iso)
}

/// The subject's commonName (OID 2.5.4.3), when it has one.
fn common_name(mut name: &[u8]) -> Option<String> {
    while let Some((0x31, set, rest)) = tlv(name) {
        let mut attrs = set;
        while let Some((0x30, attr, more)) = tlv(attrs) {
            if let Some((0x06, oid, value)) = tlv(attr)
                && oid == [0x55, 0x04, 0x03]
                && let Some((_, text, _)) = tlv(value)
            {
                return std::str::from_utf8(text).ok().map(str::to_string);
            }
            attrs = more;
        }
        name = rest;
    }
    None
}

/// A PKCS#8 or PKCS#1 private key starts with `SEQUENCE { INTEGER version, ... }`.
fn looks_like_private_key(der: &[u8]) -> bool {
    matches!(tlv(der), Some((0x30, inner, _)) if matches!(tlv(inner), Some((0x02, _, _))))
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            break;
        }
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn to_pem(der: &[u8]) -> String {
    let b64 = base64_encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap_or(""));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=m365-runbook-test`
    /// (2026-12-01), its certificate only.
    const PEM: &str = include_str!("../tests/fixtures/certificate/test-cert.pem");
    const KEY: &str = include_str!("../tests/fixtures/certificate/test-key.pem");

    fn day(s: &str) -> Date {
        s.parse().expect("date")
    }

    #[test]
    fn reads_validity_subject_and_thumbprint_from_pem_and_der() {
        let c = parse("c.pem", PEM.as_bytes(), day("2026-12-01")).expect("certificate");
        assert_eq!(c.subject.as_deref(), Some("m365-runbook-test"));
        assert!(c.not_after.starts_with("2036-"), "{}", c.not_after);
        assert_eq!(c.thumbprint.len(), 40);
        let der = from_pem("c.pem", PEM).expect("der");
        let d = parse("c.cer", &der, day("2026-12-01")).expect("der certificate");
        assert_eq!((d.thumbprint.as_str(), d.pem.as_str()), (c.thumbprint.as_str(), c.pem.as_str()));
        assert_eq!(base64_decode(&base64_encode(&der)).as_deref(), Some(der.as_slice()));
        let expected =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/certificate/test-cert.sha1"))
                .expect("thumbprint fixture");
        assert_eq!(c.thumbprint, expected.trim());
    }

    #[test]
    fn refuses_private_keys_expired_certificates_chains_and_other_files() {
        let both = format!("{KEY}{PEM}");
        let err = parse("both.pem", both.as_bytes(), day("2026-12-01")).expect_err("key");
        assert!(err.contains("`both.pem` holds a private key"), "{err}");
        let key_der = base64_decode(KEY.lines().filter(|l| !l.starts_with("-----")).collect::<String>().as_str())
            .expect("key der");
        let err = parse("key.der", &key_der, day("2026-12-01")).expect_err("key der");
        assert!(err.contains("holds a private key"), "{err}");
        let err = parse("c.pem", PEM.as_bytes(), day("2040-01-01")).expect_err("expired");
        assert!(err.contains("expired on 2036-"), "{err}");
        let chain = format!("{PEM}{PEM}");
        assert!(parse("chain.pem", chain.as_bytes(), day("2026-12-01")).expect_err("chain").contains("2 certificates"));
        assert!(parse("x.txt", b"hello", day("2026-12-01")).expect_err("junk").contains("not an X.509 certificate"));
    }

    #[test]
    fn reads_both_time_forms() {
        assert_eq!(time(0x17, b"491231235959Z").as_deref(), Some("2049-12-31T23:59:59Z"));
        assert_eq!(time(0x17, b"500101000000Z").as_deref(), Some("1950-01-01T00:00:00Z"));
        assert_eq!(time(0x18, b"20510101000000Z").as_deref(), Some("2051-01-01T00:00:00Z"));
        assert_eq!(time(0x18, b"2051010100000Z"), None);
        assert_eq!(time(0x17, b"491331235959Z"), None);
    }
}
