"""Reports assembled from sections without Qt; rendered to paper only at the edge."""
