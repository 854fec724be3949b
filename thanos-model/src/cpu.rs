//! A CPU quantity (`500m`, `2`): parsed once, carried with its text.

use crate::{
    grammar_error::GrammarErrorKind,
    quantity::{quantity_newtype, Suffix, NANO},
};

quantity_newtype!(
    /// An amount of CPU as a Kubernetes quantity: cores (`2`, `0.5`) or thousandths of a
    /// core (`500m`). A binary suffix (`Ki`..`Ei`) is refused: CPU is not counted in powers
    /// of 1024.
    ///
    /// Parsed once; it keeps the text as written, which [`Display`](std::fmt::Display) and serde
    /// print unchanged. In a fleet file it may be a string or a number (`cpuLimit: 2`).
    ///
    /// ```
    /// use thanos_model::Cpu;
    ///
    /// assert_eq!("500m".parse::<Cpu>()?.as_millicores(), 500);
    /// assert_eq!(Cpu::cores(2).to_string(), "2");
    /// assert_eq!(Cpu::millicores(250).to_string(), "250m");
    /// assert!("1Gi".parse::<Cpu>().is_err());
    /// # Ok::<(), thanos_model::GrammarError>(())
    /// ```
    Cpu,
    "cores",
    refusing (Suffix::Binary, GrammarErrorKind::CpuInPowersOf1024)
);

impl Cpu {
    /// `cores` whole cores: `2`.
    #[must_use]
    pub fn cores(cores: u32) -> Self {
        Self {
            nanos: u128::from(cores) * NANO,
            text: cores.to_string(),
        }
    }

    /// `millicores` thousandths of a core: `500m`.
    #[must_use]
    pub fn millicores(millicores: u32) -> Self {
        Self {
            nanos: u128::from(millicores) * (NANO / 1_000),
            text: format!("{millicores}m"),
        }
    }

    /// Thousandths of a core, rounded up (as Kubernetes does).
    #[must_use]
    pub fn as_millicores(&self) -> u64 {
        u64::try_from(self.nanos.div_ceil(NANO / 1_000)).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_text() {
        let cpu: Cpu = "0.5".parse().unwrap();
        assert_eq!(
            (cpu.as_millicores(), cpu.to_string().as_str()),
            (500, "0.5")
        );
        assert_eq!("2".parse::<Cpu>().unwrap().as_millicores(), 2_000);
        assert_eq!(
            "1n".parse::<Cpu>().unwrap().as_millicores(),
            1,
            "rounded up"
        );
        assert_eq!(
            Cpu::millicores(500).nanos(),
            "0.5".parse::<Cpu>().unwrap().nanos()
        );
        assert!(Cpu::cores(0).is_zero());
    }
}
