"""Similarity search and clustering quality: cosine nearest neighbours and cluster purity.

Notebook 04 uses them on the features of a pretrained backbone:
``cosine_neighbours`` finds the images most like a query, ``cluster_purity`` says how well
k-means clusters of the features follow the classes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["cosine_neighbours", "cluster_purity"]


def cosine_neighbours(query: ArrayLike, gallery: ArrayLike, k: int) -> np.ndarray:
    """Indices of the ``k`` rows of ``gallery`` most similar to ``query`` by cosine similarity.

    Most similar first; what scikit-learn's ``NearestNeighbors(metric="cosine")`` finds.
    A zero vector has similarity 0 with everything.

    >>> cosine_neighbours([1.0, 0.0], [[0.0, 1.0], [2.0, 0.1], [-1.0, 0.0]], 2)
    array([1, 0])
    """
    query = np.asarray(query, dtype=float).ravel()
    gallery = np.asarray(gallery, dtype=float)
    if gallery.ndim != 2 or gallery.shape[1] != query.size:
        raise ValueError(f"gallery must have shape (n, {query.size}), got {gallery.shape}")
    if not 1 <= k <= len(gallery):
        raise ValueError(f"k must be between 1 and {len(gallery)}, got {k}")
    norms = np.linalg.norm(gallery, axis=1) * np.linalg.norm(query)
    similarity = gallery @ query / np.where(norms == 0, 1.0, norms)
    return np.argsort(-similarity, kind="stable")[:k]


def cluster_purity(labels: ArrayLike, clusters: ArrayLike) -> float:
    """The purity of a clustering: the fraction of points whose class is the most common
    class of their cluster.

    Cluster ids need not be class numbers; one point per cluster has purity 1.

    >>> cluster_purity([0, 0, 1, 1, 2], [5, 5, 5, 7, 7])
    0.6
    >>> cluster_purity(["a", "a", "b"], [0, 0, 0])
    0.6666666666666666
    """
    from sklearn.metrics.cluster import contingency_matrix

    labels, clusters = np.asarray(labels).ravel(), np.asarray(clusters).ravel()
    if labels.shape != clusters.shape or labels.size == 0:
        raise ValueError(f"labels and clusters must be non-empty and of the same length, got "
                         f"{labels.shape} and {clusters.shape}")
    table = contingency_matrix(labels, clusters)  # rows: classes, columns: clusters
    return float(table.max(axis=0).sum() / labels.size)
