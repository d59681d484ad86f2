-- cluster_se(g, n, cluster_ss, cluster_ns, cluster_nn, mean): the cluster-robust standard error of a
-- mean of n values in g clusters, from the clusters' sums: cluster k has n_k values summing to S_k,
-- cluster_ss = Σ S_k², cluster_ns = Σ n_k·S_k, cluster_nn = Σ n_k². Then
-- SE² = g / (g − 1) · Σ (S_k − n_k·mean)² / n² = g / (g − 1) · (cluster_ss − 2·mean·cluster_ns +
-- mean²·cluster_nn) / n², statsmodels' cluster covariance of a mean (tests/references.py). Empty under
-- 2 clusters: one cluster has no spread between clusters. The intervals take it with t_975(g − 1).
CREATE MACRO cluster_se(g, n, cluster_ss, cluster_ns, cluster_nn, mean) AS
    CASE WHEN g > 1 THEN sqrt(greatest(
        g / (g - 1.0) * (cluster_ss - 2 * mean * cluster_ns + mean * mean * cluster_nn)
        / (CAST(n AS DOUBLE) * CAST(n AS DOUBLE)), 0))
    END;
