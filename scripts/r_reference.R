# Regenerate the R reference values that the tests compare against (CI needs no R).
#
#   Rscript scripts/r_reference.R            # writes tests/r_reference/*.csv
#
# Needs R with the survival and coin packages (Debian: r-base-core r-cran-survival
# r-cran-coin).  Every case is generated here from a fixed seed and written together
# with R's answer, so the Python tests read inputs and expected values from one file.
#
# Files:
#   mw_exact_ties.csv   Mann-Whitney / Wilcoxon rank-sum, exact conditional p with ties
#                       (coin::wilcox_test(distribution = "exact"), two-sided), plus
#                       wilcox.test's normal approximation p (correct = TRUE)
#   cox_separated_data.csv, cox_separated.csv
#                       coxph (Efron) with a level that has no events: R's full fit
#                       (huge coefficient for that level) and the fit without that level
#   demo_pfs_data.csv, demo_pfs.csv
#                       the demo's PFS by monosomy 19 and by PIK3CA: KM medians with CI,
#                       survdiff chi-square and p, coxph (Efron) HR, CI and Wald p
#   km_zero_data.csv, km_zero.csv
#                       summary(survfit(...), times, extend = TRUE) where the curve has
#                       reached 0, for conf.type "log" and "log-log"
#   fisher_rxc.csv      fisher.test two-sided p of random r x c tables with small counts
#                       (2x2 to 5x5, zero cells and zero rows included) and of the
#                       synthetic demo's Table 1 by monosomy 19 (cohort characteristics)
#   kruskal.csv         kruskal.test statistic, df and p of random groups with ties

suppressPackageStartupMessages({
  library(survival)
  library(coin)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
root <- normalizePath(file.path(dirname(script), ".."))
out <- file.path(root, "tests", "r_reference")
dir.create(out, showWarnings = FALSE, recursive = TRUE)
fmt <- function(v) ifelse(is.na(v), "NA", trimws(formatC(v, digits = 15, format = "g")))
paste_values <- function(v) paste(trimws(formatC(v, digits = 15, format = "g")), collapse = " ")

# ---------------------------------------------------------------- Mann-Whitney, ties
set.seed(20261206)
mw_case <- function(x, y) {
  # all values equal: coin refuses (zero variance); the app reports p = 1
  if (length(unique(c(x, y))) < 2) y[1] <- max(c(x, y)) + 1
  d <- data.frame(v = c(x, y), g = factor(rep(c("x", "y"), c(length(x), length(y)))))
  p <- pvalue(wilcox_test(v ~ g, data = d, distribution = "exact"))
  pa <- suppressWarnings(wilcox.test(x, y, exact = FALSE, correct = TRUE)$p.value)
  data.frame(x = paste_values(x), y = paste_values(y), p_exact = fmt(as.numeric(p)),
             p_asymptotic = fmt(pa))
}
cases <- list()
# small: 1..10 a side, few distinct values (many ties), a group of one included
for (i in 1:150) {
  n1 <- sample(1:10, 1); n2 <- sample(1:12, 1)
  k <- sample(2:8, 1)
  cases[[length(cases) + 1]] <- mw_case(sample(0:k, n1, TRUE), sample(0:k, n2, TRUE))
}
for (i in 1:30) {  # a group of one, with ties
  k <- sample(1:6, 1)
  cases[[length(cases) + 1]] <- mw_case(sample(0:k, 1), sample(0:k, sample(2:20, 1), TRUE))
}
# medium: more than 200,000 relabelings (where the app used to sample), shifted groups
for (i in 1:50) {
  n1 <- sample(8:40, 1); n2 <- sample(8:40, 1)
  k <- sample(5:40, 1); shift <- sample(0:3, 1)
  cases[[length(cases) + 1]] <- mw_case(sample(0:k, n1, TRUE),
                                        sample(0:k, n2, TRUE) + shift)
}
# CNA-burden-like (counts 0-60 with ties), up to 75 a side
for (i in 1:8) {
  n1 <- sample(30:75, 1); n2 <- sample(30:75, 1)
  cases[[length(cases) + 1]] <- mw_case(rpois(n1, 14), rpois(n2, 16))
}
# the synthetic demo cohort (imft response --measure ..., responders vs non-responders)
demo <- list(
  age = list(c(68, 31, 20, 48, 57, 57, 55, 71, 66, 49),
             c(69, 41, 52, 18, 70, 19, 29, 43, 64, 61, 72, 68, 61, 39)),
  tumour_cells = list(c(71, 71, 89, 60, 75, 61, 75, 68, 70, 70),
                      c(72, 73, 76, 69, 73, 75, 59, 69, 80, 62, 65, 74, 63, 75)),
  cna_burden = list(c(12, 13, 12, 7, 8, 12, 13, 10, 12, 17),
                    c(29, 38, 31, 28, 36, 29, 30, 27, 33, 30, 29, 23, 23, 30)))
for (d in demo) cases[[length(cases) + 1]] <- mw_case(d[[1]], d[[2]])
mw <- do.call(rbind, cases)
mw <- cbind(case = c(seq_len(nrow(mw) - length(demo)), paste0("demo_", names(demo))), mw)
write.csv(mw, file.path(out, "mw_exact_ties.csv"), row.names = FALSE, quote = TRUE)

# ---------------------------------------------------------------- the demo's survival studies
# PFS of the synthetic demo cohort by monosomy 19 and by PIK3CA (demo_pfs_data.csv, written
# from the shipped demo; a test checks it still matches): what every view of the app
# (tab, --json, PDF, Excel) must print.  survfit's default CI (log), survdiff, coxph (Efron).
demo_pfs <- read.csv(file.path(out, "demo_pfs_data.csv"))
demo_rows <- list()
for (g in c("monosomy19", "pik3ca")) {
  d <- demo_pfs[!is.na(demo_pfs[[g]]), ]
  d$grp <- factor(d[[g]], levels = c(0, 1))
  fit <- survfit(Surv(time, event) ~ grp, data = d)
  tab <- summary(fit)$table
  sd <- survdiff(Surv(time, event) ~ grp, data = d)
  cx <- summary(coxph(Surv(time, event) ~ grp, data = d, ties = "efron"))
  for (lvl in 1:2) {
    demo_rows[[length(demo_rows) + 1]] <- data.frame(
      grouping = g, level = lvl - 1, n = tab[lvl, "records"], events = tab[lvl, "events"],
      median = fmt(tab[lvl, "median"]), median_low = fmt(tab[lvl, "0.95LCL"]),
      median_high = fmt(tab[lvl, "0.95UCL"]), chisq = fmt(sd$chisq),
      p_logrank = fmt(pchisq(sd$chisq, 1, lower.tail = FALSE)),
      hr = fmt(cx$conf.int[1, "exp(coef)"]), hr_low = fmt(cx$conf.int[1, "lower .95"]),
      hr_high = fmt(cx$conf.int[1, "upper .95"]), p_wald = fmt(cx$coefficients[1, "Pr(>|z|)"]))
  }
}
write.csv(do.call(rbind, demo_rows), file.path(out, "demo_pfs.csv"), row.names = FALSE)

# ---------------------------------------------------------------- Cox, separated level
set.seed(7)
n_per <- c(A = 14, B = 12, C = 6, D = 10)
g <- rep(names(n_per), n_per)
time <- round(rexp(length(g), rate = c(A = 0.08, B = 0.15, C = 0.1, D = 0.05)[g]), 1) + 0.5
status <- rbinom(length(g), 1, 0.75)
status[g == "C"] <- 0L  # level C: no events (monotone likelihood, HR -> 0)
status[g != "C"][1:3] <- 1L
cox_data <- data.frame(time = time, status = status, group = g)
write.csv(cox_data, file.path(out, "cox_separated_data.csv"), row.names = FALSE)
coefs <- function(fit, which) {
  s <- summary(fit)
  cf <- s$coefficients
  ci <- s$conf.int
  data.frame(fit = which, level = sub("^group", "", rownames(cf)),
             coef = fmt(cf[, "coef"]), se = fmt(cf[, "se(coef)"]),
             hr = fmt(cf[, "exp(coef)"]), lower = fmt(ci[, "lower .95"]),
             upper = fmt(ci[, "upper .95"]), p = fmt(cf[, "Pr(>|z|)"]))
}
full <- suppressWarnings(coxph(Surv(time, status) ~ group, data = cox_data))
without <- coxph(Surv(time, status) ~ group, data = droplevels(cox_data[cox_data$group != "C", ]))
write.csv(rbind(coefs(full, "all levels"), coefs(without, "without C")),
          file.path(out, "cox_separated.csv"), row.names = FALSE)

# ---------------------------------------------------------------- KM where S reaches 0
km_data <- data.frame(
  time = c(1.2, 2.5, 3.1, 3.1, 4.0, 5.5, 6.2, 7.0, 8.4, 9.9,
           2.0, 4.4, 6.0, 8.0, 10.5, 12.0, 14.0, 15.5, 18.0, 20.0),
  status = c(1, 0, 1, 1, 1, 0, 1, 1, 1, 1,
             1, 0, 1, 0, 1, 1, 0, 1, 0, 0),
  group = rep(c("reaches0", "censored_last"), each = 10))
write.csv(km_data, file.path(out, "km_zero_data.csv"), row.names = FALSE)
rows <- list()
for (ct in c("log", "log-log")) {
  fit <- survfit(Surv(time, status) ~ group, data = km_data, conf.type = ct)
  s <- summary(fit, times = c(3, 6, 9.9, 12, 24), extend = TRUE)
  rows[[ct]] <- data.frame(conf_type = ct, group = sub("^group=", "", as.character(s$strata)),
                           time = s$time, n_risk = s$n.risk, survival = fmt(s$surv),
                           lower = fmt(s$lower), upper = fmt(s$upper))
}
write.csv(do.call(rbind, rows), file.path(out, "km_zero.csv"), row.names = FALSE)
# ---------------------------------------------------------------- Fisher r x c (Table 1)
set.seed(20240613)
fisher_case <- function(case, m) {
  data.frame(case = case, nrow = nrow(m), ncol = ncol(m),
             counts = paste(as.vector(t(m)), collapse = " "),  # row by row
             p = fmt(fisher.test(m, workspace = 2e7)$p.value))  # FEXACT needs room
}
fcases <- list()
shapes <- list(c(2, 2), c(2, 3), c(3, 2), c(3, 3), c(2, 4), c(4, 2), c(3, 4), c(4, 3),
               c(4, 4), c(2, 5), c(5, 2), c(5, 3), c(2, 6), c(6, 2), c(5, 5), c(10, 2))
for (shape in shapes) {
  for (i in 1:14) {
    # small counts, as a Table 1 of a rare-tumour cohort has (10-60 patients)
    top <- if (prod(shape) >= 16) sample(1:3, 1) else sample(2:6, 1)
    repeat {
      m <- matrix(sample(0:top, prod(shape), TRUE), shape[1], shape[2])
      # at least two rows and columns with counts (what the app tests); a zero row
      # or column inside is fine (fisher.test and the app both ignore it)
      if (sum(rowSums(m) > 0) >= 2 && sum(colSums(m) > 0) >= 2) break
    }
    fcases[[length(fcases) + 1]] <- fisher_case(
      sprintf("%dx%d_%02d", shape[1], shape[2], i), m)
  }
}
# symmetric tables: many tables tie with the observed probability exactly
fcases[[length(fcases) + 1]] <- fisher_case("tie_3x3", matrix(c(2, 1, 1, 1, 2, 1, 1, 1, 2), 3))
fcases[[length(fcases) + 1]] <- fisher_case("tie_2x4", matrix(c(1, 2, 2, 1, 2, 1, 1, 2), 2))
# imft characteristics demo_cohort_synthetic.xlsx --by "monosomy 19": rows are levels,
# columns no monosomy 19 / monosomy 19
demo_tables <- list(
  demo_sex = rbind(c(7, 4), c(12, 1)),
  demo_site = rbind(c(3, 3), c(5, 0), c(3, 0), c(2, 0), c(1, 1), c(1, 1), c(1, 0),
                    c(1, 0), c(1, 0), c(1, 0)),
  demo_best_response = rbind(c(2, 0), c(7, 1), c(6, 1), c(4, 3), c(0, 0)),
  demo_rna_fusion_panel = rbind(c(17, 3), c(2, 2)),
  demo_ihc_ros1 = rbind(c(12, 2), c(7, 3)))
for (name in names(demo_tables)) {
  fcases[[length(fcases) + 1]] <- fisher_case(name, demo_tables[[name]])
}
write.csv(do.call(rbind, fcases), file.path(out, "fisher_rxc.csv"), row.names = FALSE)

# ---------------------------------------------------------------- Kruskal-Wallis
set.seed(20240614)
kw_case <- function(case, groups) {
  kt <- kruskal.test(groups)
  data.frame(case = case,
             groups = paste(vapply(groups, paste_values, ""), collapse = " | "),
             statistic = fmt(unname(kt$statistic)), df = unname(kt$parameter),
             p = fmt(kt$p.value))
}
kcases <- list()
for (i in 1:120) {
  k <- sample(3:5, 1)
  top <- sample(3:30, 1)
  repeat {
    groups <- lapply(seq_len(k), function(j) sample(0:top, sample(1:10, 1), TRUE))
    if (length(unique(unlist(groups))) > 1) break
  }
  kcases[[length(kcases) + 1]] <- kw_case(sprintf("%02d", i), groups)
}
# ages of the synthetic demo by best response (CR, PR, SD, PD)
kcases[[length(kcases) + 1]] <- kw_case("demo_age_by_response", list(
  c(68, 57), c(31, 20, 48, 57, 55, 71, 66, 49), c(69, 41, 70, 19, 61, 72, 61),
  c(52, 18, 29, 43, 64, 68, 39)))
write.csv(do.call(rbind, kcases), file.path(out, "kruskal.csv"), row.names = FALSE)

cat(sprintf("wrote %d Mann-Whitney, %d Fisher r x c and %d Kruskal-Wallis cases, Cox and KM references to %s\n",
            nrow(mw), length(fcases), length(kcases), out))
cat(R.version.string, "; survival", as.character(packageVersion("survival")),
    "; coin", as.character(packageVersion("coin")), "\n")
