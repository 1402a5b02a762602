//! Resource quantities as apimachinery's `resource.Quantity` parses, adds, compares
//! and prints them (`100m`, `70Mi`, `1500m`, `3903500Ki`): `describe node` sums pod
//! requests and `--sort-by` compares strings that parse as quantities numerically.
//!
//! Values are held exactly in nano-units (the finest scale a Quantity keeps) in an
//! `i128`, which covers every suffix up to `Ei`/`E` with room to spare.

use std::cmp::Ordering;

/// How a quantity prints: kept from the first operand, as `Quantity.Add` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    nanos: i128,
    format: Format,
}

const NANO: i128 = 1_000_000_000;

impl Quantity {
    pub const ZERO: Quantity = Quantity { nanos: 0, format: Format::DecimalSI };

    /// `resource.ParseQuantity`: `None` where Go returns an error.
    pub fn parse(s: &str) -> Option<Quantity> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let b = s.as_bytes();
        let mut i = 0;
        let negative = match b[0] {
            b'-' => {
                i = 1;
                true
            }
            b'+' => {
                i = 1;
                false
            }
            _ => false,
        };
        let int_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let int_part = &s[int_start..i];
        let mut frac_part = "";
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let f = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            frac_part = &s[f..i];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let suffix = &s[i..];
        let (format, pow10, pow2): (Format, i32, u32) = match suffix {
            "" => (Format::DecimalSI, 0, 0),
            "n" => (Format::DecimalSI, -9, 0),
            "u" => (Format::DecimalSI, -6, 0),
            "m" => (Format::DecimalSI, -3, 0),
            "k" => (Format::DecimalSI, 3, 0),
            "M" => (Format::DecimalSI, 6, 0),
            "G" => (Format::DecimalSI, 9, 0),
            "T" => (Format::DecimalSI, 12, 0),
            "P" => (Format::DecimalSI, 15, 0),
            "E" => (Format::DecimalSI, 18, 0),
            "Ki" => (Format::BinarySI, 0, 10),
            "Mi" => (Format::BinarySI, 0, 20),
            "Gi" => (Format::BinarySI, 0, 30),
            "Ti" => (Format::BinarySI, 0, 40),
            "Pi" => (Format::BinarySI, 0, 50),
            "Ei" => (Format::BinarySI, 0, 60),
            e if e.starts_with(['e', 'E']) => {
                let exp = &e[1..];
                let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                if digits.is_empty() || !digits.bytes().all(|d| d.is_ascii_digit()) {
                    return None;
                }
                (Format::DecimalExponent, exp.parse::<i32>().ok()?, 0)
            }
            _ => return None,
        };
        // value = 0.int.frac × 10^pow10 × 2^pow2, held in nanos (rounded up, as Go does).
        let digits = format!("{int_part}{frac_part}");
        let mantissa: i128 = digits.trim_start_matches('0').parse::<i128>().unwrap_or(0);
        let scale = pow10 - frac_part.len() as i32 + 9;
        let mut nanos = mantissa.checked_mul(1i128 << pow2)?;
        if scale >= 0 {
            nanos = nanos.checked_mul(10i128.checked_pow(scale as u32)?)?;
        } else {
            let div = 10i128.checked_pow((-scale) as u32).unwrap_or(i128::MAX);
            nanos = (nanos + div - 1) / div;
        }
        Some(Quantity { nanos: if negative { -nanos } else { nanos }, format })
    }

    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// `Quantity.Add`: the receiver's format is kept.
    pub fn add(&self, other: &Quantity) -> Quantity {
        let format = if self.nanos == 0 && self.format == Format::DecimalSI { other.format } else { self.format };
        Quantity { nanos: self.nanos.saturating_add(other.nanos), format }
    }

    /// `MilliValue()`: rounded up.
    pub fn milli_value(&self) -> i64 {
        ceil_div(self.nanos, 1_000_000) as i64
    }

    /// `Value()`: rounded up.
    pub fn value(&self) -> i64 {
        ceil_div(self.nanos, NANO) as i64
    }

    /// `Quantity.Cmp`.
    pub fn compare(&self, other: &Quantity) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }

    /// `Quantity.String()`: the canonical form in the quantity's format.
    pub fn to_canonical(&self) -> String {
        if self.nanos == 0 {
            return "0".into();
        }
        let mut format = self.format;
        if format == Format::BinarySI && (self.nanos.abs() < 1024 * NANO || self.nanos % NANO != 0) {
            format = Format::DecimalSI;
        }
        let sign = if self.nanos < 0 { "-" } else { "" };
        let abs = self.nanos.abs();
        if format == Format::BinarySI {
            let mut n = abs / NANO;
            let mut exp = 0;
            while exp < 6 && n % 1024 == 0 {
                n /= 1024;
                exp += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exp];
            return format!("{sign}{n}{suffix}");
        }
        // Largest power of 1000 (from nano up) that divides the value.
        let mut n = abs;
        let mut exp3 = -3; // in units of 10^3, nanos = 10^-9
        while exp3 < 6 && n % 1000 == 0 {
            n /= 1000;
            exp3 += 1;
        }
        let suffix = match format {
            Format::DecimalExponent => {
                if exp3 == 0 { String::new() } else { format!("e{}", exp3 * 3) }
            }
            _ => ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"][(exp3 + 3) as usize].to_string(),
        };
        format!("{sign}{n}{suffix}")
    }
}

fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && a > 0 { q + 1 } else { q }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_canonical())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn parses_and_prints_canonically() {
        for (input, canonical) in [("100m", "100m"), ("2", "2"), ("0.5", "500m"), ("1.5", "1500m"), ("2000", "2k"), ("70Mi", "70Mi"), ("3903500Ki", "3903500Ki"), ("1024Ki", "1Mi"), ("512", "512"), ("1e3", "1e3"), ("0", "0")] {
            assert_eq!(q(input).to_canonical(), canonical, "{input}");
        }
        assert!(Quantity::parse("abc").is_none());
        assert!(Quantity::parse("10x").is_none());
        assert!(Quantity::parse("nginx").is_none());
    }

    #[test]
    fn sums_keep_the_first_format() {
        assert_eq!(q("100m").add(&q("250m")).to_canonical(), "350m");
        assert_eq!(q("100m").add(&q("900m")).to_canonical(), "1");
        assert_eq!(q("70Mi").add(&q("170Mi")).to_canonical(), "240Mi");
        assert_eq!(Quantity::ZERO.add(&q("70Mi")).to_canonical(), "70Mi");
        assert_eq!(q("128Mi").value(), 134217728);
        assert_eq!(q("2").milli_value(), 2000);
        assert_eq!(q("100m").compare(&q("1")), Ordering::Less);
    }
}
