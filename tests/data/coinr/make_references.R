# Reference outputs of COINr (1.1.14) for leitai's COINr methods (docs/methods.md).
#
# Run from this folder:  Rscript make_references.R
# It reads synthetic.csv (12 units, 6 indicators, some missing) and writes one CSV per
# method family; tests/engine/test_methods_coinr*.py read them (they never need R).
suppressPackageStartupMessages(library(COINr))
suppressPackageStartupMessages(library(openxlsx))
options(digits = 17)

idata <- read.csv("synthetic.csv", stringsAsFactors = FALSE)
idata$uName <- idata$uCode
ind <- c("i1", "i2", "i3", "i4", "i5", "i6")
imeta <- data.frame(
  Level = c(rep(1, 6), 2, 2, 3),
  iCode = c(ind, "p1", "p2", "index"),
  iName = c(ind, "p1", "p2", "index"),
  Direction = 1,
  Weight = c(1, 2, 1.5, 1, 1, 3, 1, 2, 1),
  Parent = c("p1", "p1", "p1", "p2", "p2", "p2", "index", "index", NA),
  Type = "Indicator",
  stringsAsFactors = FALSE
)
imeta$Type[7:9] <- "Aggregate"
coin <- new_coin(idata, imeta, quietly = TRUE)

write_case <- function(rows, coin, name, f_ag, f_ag_para = NULL, dat_thresh = NULL) {
  out <- Aggregate(coin, dset = "Raw", f_ag = f_ag, f_ag_para = f_ag_para,
                   dat_thresh = dat_thresh, out2 = "df")
  rbind(rows, data.frame(case = name, uCode = out$uCode, p1 = out$p1, p2 = out$p2,
                         index = out$index))
}

# The same table with each gap filled by 50, for the methods COINr computes only on
# complete rows: a_genmean sums without removing NAs, and the outranking matrix is not
# symmetric in a pair with a missing value.
full <- idata
for (code in ind) full[[code]][is.na(full[[code]])] <- 50
full_coin <- new_coin(full, imeta, quietly = TRUE)

# Aggregation (COINr's Aggregate; the raw values are the indicator scores).
rows <- NULL
rows <- write_case(rows, coin, "mean", "a_amean")
rows <- write_case(rows, coin, "mean_min_data", "a_amean", dat_thresh = 0.5)
rows <- write_case(rows, coin, "geometric", "a_gmean")
rows <- write_case(rows, coin, "harmonic", "a_hmean")
rows <- write_case(rows, coin, "geometric_min_data", "a_gmean", dat_thresh = c(0.6, 0))
rows <- write_case(rows, full_coin, "full_generalised_2", "a_genmean", f_ag_para = list(p = 2))
rows <- write_case(rows, full_coin, "full_generalised_-1.5", "a_genmean",
                   f_ag_para = list(p = -1.5))

# Copeland: Aggregate(by_df = TRUE) calls a_copeland(x = ...) but its argument is X
# (COINr 1.1.14), so a_copeland is called directly, level by level.
w <- setNames(imeta$Weight, imeta$iCode)
p1 <- a_copeland(full[c("i1", "i2", "i3")], w[c("i1", "i2", "i3")])
p2 <- a_copeland(full[c("i4", "i5", "i6")], w[c("i4", "i5", "i6")])
index <- a_copeland(data.frame(p1 = p1, p2 = p2), w[c("p1", "p2")])
rows <- rbind(rows, data.frame(case = "full_copeland", uCode = full$uCode, p1 = p1, p2 = p2,
                               index = index))
write.csv(rows, "aggregation.csv", row.names = FALSE)

# Normalisation (COINr's Normalise with global_specs; i4 is "lower is better").
imeta_n <- imeta
imeta_n$Direction[imeta_n$iCode == "i4"] <- -1
ncoin <- new_coin(idata, imeta_n, quietly = TRUE)
norm_case <- function(rows, name, f_n, f_n_para = NULL) {
  specs <- list(f_n = f_n)
  if (!is.null(f_n_para)) specs$f_n_para <- f_n_para
  out <- Normalise(ncoin, dset = "Raw", global_specs = specs, out2 = "df")
  rbind(rows, data.frame(case = name, out[c("uCode", ind)]))
}
rows <- NULL
rows <- norm_case(rows, "prank", "n_prank")
rows <- norm_case(rows, "borda", "n_borda")
rows <- norm_case(rows, "fracmax", "n_fracmax")
rows <- norm_case(rows, "dist2ref_u05", "n_dist2ref", list(iref = 5))
rows <- norm_case(rows, "dist2ref_u05_capped", "n_dist2ref", list(iref = 5, cap_max = TRUE))
# Goalposts without truncation and n_scaled, on the raw values (direction 1).
raw <- idata[c("uCode", ind)]
gp <- raw
sc <- raw
for (code in ind) {
  gp[[code]] <- n_goalposts(raw[[code]], gposts = c(10, 90, 100), trunc2posts = FALSE)
  sc[[code]] <- n_scaled(raw[[code]], npara = c(20, 80), scale_factor = 50)
}
rows <- rbind(rows, data.frame(case = "goalposts_untruncated", gp))
rows <- rbind(rows, data.frame(case = "scaled", sc))
write.csv(rows, "normalisation.csv", row.names = FALSE)

# Outlier treatment (COINr's Treat: winsorise, then f2 on the original values where the
# series still fails). treat.csv has heavy tails; winmax = 1 leaves some series failing.
tdata <- read.csv("treat.csv", stringsAsFactors = FALSE)
tcols <- c("t1", "t2", "t3", "t4")
treat_case <- function(rows, name, winmax, f2, f2_para = list(na.rm = TRUE)) {
  specs <- list(f1 = "winsorise",
                f1_para = list(na.rm = TRUE, winmax = winmax, skew_thresh = 2,
                               kurt_thresh = 3.5, force_win = FALSE),
                f2 = f2, f2_para = f2_para, f_pass = "check_SkewKurt",
                f_pass_para = list(na.rm = TRUE, skew_thresh = 2, kurt_thresh = 3.5))
  out <- Treat(tdata, global_specs = specs)$x_treat
  rbind(rows, data.frame(case = name, out[c("uCode", tcols)]))
}
rows <- NULL
rows <- treat_case(rows, "log_winmax5", 5, "log_CT")
rows <- treat_case(rows, "log", 1, "log_CT")
rows <- treat_case(rows, "log_plus", 1, "log_CT_plus")
rows <- treat_case(rows, "log_orig", 1, "log_CT_orig")
rows <- treat_case(rows, "boxcox_0.5", 1, "boxcox", list(lambda = 0.5, na.rm = TRUE))
rows <- treat_case(rows, "boxcox_0", 1, "boxcox", list(lambda = 0, na.rm = TRUE))
# COINr 1.1.14's log_GII computes the GII's transformation and returns x unchanged; the
# reference is its formula, applied by hand to the columns that fail after winsorising.
gii <- treat_case(NULL, "log_gii", 1, "log_GII")
dets <- Treat(tdata, global_specs = list(
  f1_para = list(na.rm = TRUE, winmax = 1, skew_thresh = 2, kurt_thresh = 3.5,
                 force_win = FALSE)))$Dets_Table
for (code in tcols) {
  if (isFALSE(dets$check_SkewKurt1.Pass[dets$iCode == code])) {
    x <- tdata[[code]]
    mx <- max(x, na.rm = TRUE)
    mn <- min(x, na.rm = TRUE)
    gii[[code]] <- log((mx - 1) * (x - mn) / (mx - mn) + 1)
  }
}
rows <- rbind(rows, gii)
write.csv(rows, "treatment.csv", row.names = FALSE)

# Imputation by row within each pillar (COINr's Impute with impute_by = "row",
# group_level = 2 and its default normalise_first = TRUE; i4 is "lower is better").
rows <- NULL
for (f_i in c("i_mean", "i_median")) {
  out <- Impute(ncoin, dset = "Raw", f_i = f_i, impute_by = "row", group_level = 2,
                out2 = "df")
  rows <- rbind(rows, data.frame(case = f_i, out[c("uCode", ind)]))
}
write.csv(rows, "imputation.csv", row.names = FALSE)

# Imputation over a panel: each missing value takes the unit's value of the year before
# (COINr's impute_panel with max_time = 1), on COINr's synthetic ASEM panel.
# Its gaps are the same every year, so some present values are removed first (every
# seventh unit loses five indicators in 2020 and 2022, and two of those also in 2021,
# where the year before is then missing too); panel_input.csv is the table imputed.
panel <- read.csv("../asem/ASEM_iData_p.csv", stringsAsFactors = FALSE)
pmeta <- read.csv("../asem/ASEM_iMeta.csv", stringsAsFactors = FALSE)
pind <- pmeta$iCode[pmeta$Type == "Indicator"]
panel <- panel[c("uCode", "Time", pind)]
panel$Time <- as.integer(panel$Time)
units <- unique(panel$uCode)
hit <- units[seq(1, length(units), by = 7)]
gone <- pind[c(1, 5, 9, 20, 33)]
panel[panel$Time %in% c(2020, 2022) & panel$uCode %in% hit, gone] <- NA
panel[panel$Time == 2021 & panel$uCode %in% hit, gone[1:2]] <- NA
write.csv(panel, "panel_input.csv", row.names = FALSE, na = "")
panel$Time <- as.numeric(panel$Time)
imp <- impute_panel(panel, max_time = 1)$iData_imp
write.csv(imp[imp$Time > min(imp$Time), ], "panel.csv", row.names = FALSE)

# PCA weights: the first principal component's loadings of each pillar's indicators
# (COINr's get_PCA, Level 1, by_groups), with and without rows with missing values.
rows <- NULL
# "trend": every indicator a common trend plus a tenth of the filled table, so that the
# loadings are all of one sign and can be weights.
trend <- full
for (code in ind) trend[[code]] <- 5 * seq_len(nrow(full)) + full[[code]] / 10
trend_coin <- new_coin(trend, imeta, quietly = TRUE)
for (case in c("complete", "gaps", "trend")) {
  use <- switch(case, complete = full_coin, gaps = coin, trend = trend_coin)
  pca <- suppressWarnings(get_PCA(use, dset = "Raw", Level = 1, by_groups = TRUE,
                                  out2 = "list"))
  w <- pca$Weights
  w <- w[w$Level == 1, c("iCode", "Weight")]
  rows <- rbind(rows, data.frame(case = case, w))
}
write.csv(rows, "pca_weights.csv", row.names = FALSE)

# Screening units by data availability (COINr's Screen), then min-max to 0-100 of the
# units kept: u03 (4 of 6 present) and u10 (4 of 6) fall below 0.8; u07 (5 of 6) stays.
scoin <- Screen(coin, dset = "Raw", unit_screen = "byNA", dat_thresh = 0.8)
snorm <- Normalise(scoin, dset = "Screened", out2 = "df")
write.csv(data.frame(removed = scoin$Analysis$Screened$RemovedUnits), "screened_units.csv",
          row.names = FALSE)
write.csv(snorm, "screened_minmax.csv", row.names = FALSE)

# Correlation-balanced weights (COINr's get_opt_weights): the indicator weights (Level 1)
# that bring the indicators' correlations with the index to the target shares, by
# stats::optim's Nelder-Mead (reltol 0.1, maxit 500 by default). The index is the
# arithmetic mean of the raw values as given (Aggregate on "Raw").
rows <- NULL
opt_case <- function(rows, name, use, itarg, cortype = "pearson", optype = "balance",
                     toler = NULL) {
  agg <- Aggregate(use, dset = "Raw", f_ag = "a_amean")
  out <- suppressMessages(get_opt_weights(agg, itarg = itarg, dset = "Aggregated", Level = 1,
                                          cortype = cortype, optype = optype, toler = toler,
                                          out2 = "list"))
  w <- out$WeightsOpt
  w <- w[w$Level == 1, ]
  rbind(rows, data.frame(case = name, iCode = w$iCode, Weight = w$Weight,
                         Obtained = out$CorrResultsNorm$Obtained,
                         value = out$OptResults$value,
                         evaluations = out$OptResults$counts[["function"]],
                         convergence = out$OptResults$convergence))
}
rows <- opt_case(rows, "complete_equal", full_coin, "equal")
rows <- opt_case(rows, "gaps_equal", coin, "equal")
rows <- opt_case(rows, "complete_importance", full_coin, c(1, 2, 1, 1, 1, 2))
rows <- opt_case(rows, "complete_equal_spearman", full_coin, "equal", cortype = "spearman")
rows <- opt_case(rows, "complete_equal_tol", full_coin, "equal", toler = 1e-6)
rows <- opt_case(rows, "complete_infomax", full_coin, NULL, optype = "infomax")
write.csv(rows, "optimised_weights.csv", row.names = FALSE)

# Trends over a panel (COINr's get_trends with CAGR and prc_change, all years or the
# latest 3): the synthetic ASEM panel with the gaps of panel_input.csv.
asem <- ASEM_iData_p[order(ASEM_iData_p$Time, ASEM_iData_p$uCode), ]
gapped <- read.csv("panel_input.csv", stringsAsFactors = FALSE)
gapped <- gapped[order(gapped$Time, gapped$uCode), ]
stopifnot(all(asem$uCode == gapped$uCode), all(asem$Time == gapped$Time))
asem[pind] <- gapped[pind]
purse <- new_coin(asem, ASEM_iMeta, split_to = "all", quietly = TRUE)
rows <- NULL
for (f in c("CAGR", "prc_change")) {
  for (latest in list(NULL, 3)) {
    out <- get_trends(purse, dset = "Raw", f_trend = f, use_latest = latest)$Trends
    name <- paste0(f, if (is.null(latest)) "" else paste0("_latest", latest))
    rows <- rbind(rows, data.frame(case = name, uCode = out$uCode, iCode = out$iCode,
                                   trend = out[[f]]))
  }
}
write.csv(rows, "trends.csv", row.names = FALSE)

# Two builds compared (COINr's compare_coins and compare_coins_corr): the index of
# synthetic.csv (gaps filled) by the arithmetic and by the geometric mean.
build1 <- Aggregate(full_coin, dset = "Raw", f_ag = "a_amean")
build2 <- Aggregate(full_coin, dset = "Raw", f_ag = "a_gmean")
rows <- NULL
for (by in c("ranks", "scores")) {
  cmp <- compare_coins(build1, build2, dset = "Aggregated", iCode = "index", compare_by = by)
  rows <- rbind(rows, data.frame(case = by, uCode = cmp$uCode, coin.1 = cmp$coin.1,
                                 coin.2 = cmp$coin.2, Diff = cmp$Diff))
}
write.csv(rows, "compare.csv", row.names = FALSE)
rows <- NULL
for (by in c("ranks", "scores")) {
  corr <- compare_coins_corr(build1, build2, dset = "Aggregated",
                             iCodes = c("p1", "p2", "index"), compare_by = by)$df_corr
  rows <- rbind(rows, data.frame(case = by, corr))
}
write.csv(rows, "compare_corr.csv", row.names = FALSE)

# The JRC COIN Tool's workbook (the layout COINr's import_coin_tool reads): synthetic.csv
# with i4 "lower is better", a sub-index level used by no one (left out), sub-pillars
# under two pillars; written with openxlsx as cointool.xlsx, then read back by COINr.
wb <- createWorkbook()
addWorksheet(wb, "Database")
addWorksheet(wb, "Framework")
row <- function(r, values) writeData(wb, "Database", t(values), startRow = r, startCol = 5, colNames = FALSE)
row(7, c(1, 2, 1.5, 1, 1, 3))
row(8, c(1, 1, 1, -1, 1, 1))
row(9, rep(0, 6)); row(10, rep(100, 6))
row(11, rep("Index", 6))
row(12, rep("si.all", 6))
row(13, c("p.p1", "p.p1", "p.p1", "p.p2", "p.p2", "p.p2"))
row(14, c("sp.a", "sp.a", "sp.b", "sp.c", "sp.c", "sp.d"))
row(15, paste("Indicator", 1:6))
row(16, ind)
writeData(wb, "Database", idata$uCode, startRow = 17, startCol = 3, colNames = FALSE)
writeData(wb, "Database", paste("Unit", idata$uCode), startRow = 17, startCol = 2, colNames = FALSE)
for (k in seq_along(ind)) {
  v <- idata[[ind[k]]]
  cells <- lapply(v, function(x) if (is.na(x)) "n/a" else x)
  for (r in seq_along(cells)) writeData(wb, "Database", cells[[r]], startRow = 16 + r, startCol = 4 + k, colNames = FALSE)
}
fw <- data.frame(
  code = c("Index", "si.all", "p.p1", "p.p2", "sp.a", "sp.b", "sp.c", "sp.d"),
  x = "", weight = c(1, 1, 1, 2, 1, 2, 1, 1), y = "", z = "",
  name = c("The index", "All", "Pillar one", "Pillar two", "Sub a", "Sub b", "Sub c", "Sub d"))
names(fw) <- c("Dimension/indicator", "Level", "Weight", "Notes", "More", "Name")
writeData(wb, "Framework", fw, startRow = 4, startCol = 3)
saveWorkbook(wb, "cointool.xlsx", overwrite = TRUE)
ct <- import_coin_tool("cointool.xlsx", out2 = "list")
write.csv(ct$iMeta, "cointool_imeta.csv", row.names = FALSE, na = "")
write.csv(ct$iData, "cointool_idata.csv", row.names = FALSE, na = "")
