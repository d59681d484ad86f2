-- t_975(df): the 97.5 % quantile of Student's t with df degrees of freedom, for 95 % intervals
-- (mean ± t_975(n - 1) · sd / √n). DuckDB has no t quantile: df 1 to 30 come from a table
-- (scipy.stats.t.ppf, 4 decimals); beyond 30 the Cornish-Fisher expansion around z = 1.959964
-- is within 0.0001 of the exact value (tests/test_figures.py checks both against scipy).
-- Empty for df below 1: one value has no spread, so no interval.
CREATE MACRO t_975(df) AS
    CASE
        WHEN df IS NULL OR df < 1 THEN NULL
        WHEN df <= 30 THEN [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
                            2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
                            2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423
                           ][CAST(df AS INTEGER)]::DOUBLE
        ELSE 1.959964
             + (1.959964 ^ 3 + 1.959964) / (4.0 * df)
             + (5 * 1.959964 ^ 5 + 16 * 1.959964 ^ 3 + 3 * 1.959964) / (96.0 * df * df)
    END;
