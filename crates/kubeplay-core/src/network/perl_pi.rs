//! `perl -Mbignum=bpi -wle 'print bpi(N)'`, the command of the Kubernetes docs' Job
//! example (`pi`, image `perl:5.34.0`): π to N significant digits, as
//! Math::BigFloat's `bpi` rounds it, and how long the computation runs.

/// `N` of a `bpi(N)` call in a perl command line.
pub fn bpi_digits(command: &[String]) -> Option<usize> {
    if !command.first().is_some_and(|c| c.rsplit('/').next() == Some("perl")) {
        return None;
    }
    let call = command.iter().find_map(|w| w.split("bpi(").nth(1))?;
    let n: usize = call.split(')').next()?.trim().parse().ok()?;
    (1..=10_000).contains(&n).then_some(n)
}

/// How long `bpi(n)` computes: quadratic in the digits, 4 s for the docs' 2000.
pub fn run_ms(n: usize) -> i64 {
    100 + (n * n / 1000) as i64
}

/// π to `n` significant digits (`3.14…`), the last one rounded.
pub fn pi(n: usize) -> String {
    // Rabinowitz–Wagon spigot with a few guard digits, then round half up.
    let extra = 10;
    let digits = spigot(n + extra);
    let mut d: Vec<u8> = digits[..n].to_vec();
    if digits[n] >= 5 {
        let mut i = n;
        while i > 0 {
            i -= 1;
            if d[i] == 9 {
                d[i] = 0;
            } else {
                d[i] += 1;
                break;
            }
        }
    }
    let mut s = String::with_capacity(n + 1);
    for (i, digit) in d.iter().enumerate() {
        if i == 1 {
            s.push('.');
        }
        s.push((b'0' + digit) as char);
    }
    s
}

/// The first `n` decimal digits of π (3, 1, 4, 1, 5, …).
fn spigot(n: usize) -> Vec<u8> {
    let len = n * 10 / 3 + 1;
    let mut a = vec![2u64; len];
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let mut nines = 0;
    let mut predigit: Option<u8> = None;
    for _ in 0..n {
        let mut q = 0u64;
        for i in (0..len).rev() {
            let x = 10 * a[i] + q * (i as u64 + 1);
            let den = 2 * i as u64 + 1;
            a[i] = x % den;
            q = x / den;
        }
        a[0] = q % 10;
        q /= 10;
        match q {
            9 => nines += 1,
            10 => {
                if let Some(p) = predigit {
                    out.push(p + 1);
                }
                out.extend(std::iter::repeat_n(0, nines));
                predigit = Some(0);
                nines = 0;
            }
            _ => {
                if let Some(p) = predigit {
                    out.push(p);
                }
                out.extend(std::iter::repeat_n(9, nines));
                predigit = Some(q as u8);
                nines = 0;
            }
        }
    }
    if let Some(p) = predigit {
        out.push(p);
    }
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pi_digits_round_like_bignum() {
        assert_eq!(pi(10), "3.141592654");
        assert_eq!(pi(50), "3.1415926535897932384626433832795028841971693993751");
        let long = pi(2000);
        assert_eq!(long.len(), 2001);
        // Digits 762-767 are the Feynman point (six nines).
        assert_eq!(&long[763..769], "999999");
        assert!(long.ends_with("4780275901"), "{}", &long[1990..]);
    }

    #[test]
    fn reads_the_docs_command() {
        let cmd: Vec<String> = ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"].iter().map(|s| s.to_string()).collect();
        assert_eq!(bpi_digits(&cmd), Some(2000));
        assert_eq!(bpi_digits(&cmd[1..]), None);
        assert_eq!(run_ms(2000), 4100);
    }
}
