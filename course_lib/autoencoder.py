"""Autoencoders with ``course_lib.nn``: a network trained to give back its input through a narrow code.

    z = encoder(x)        (code of size k < d)
    x_hat = decoder(z)
    loss = mean (x - x_hat)^2

A *linear* autoencoder (no activations) with k code units learns, at its optimum, the same k-dimensional
subspace as PCA's top-k components (Baldi & Hornik 1989): its reconstruction X_hat = X W_enc W_dec
is a rank-k linear map, and the best rank-k approximation of the centred data is PCA's.  Its weights
need not be orthonormal nor ordered by variance: only the subspace spanned by the decoder's rows is
PCA's, which :func:`subspace_angles_to` measures (principal angles, 0 for the same subspace).  With
non-linear activations the code can bend to the data and do better than PCA at the same size.
"""
from __future__ import annotations

import numpy as np

from . import nn
from ._checks import check_int

__all__ = ["build_autoencoder", "decoder_basis", "subspace_angles_to"]


def build_autoencoder(input_dim, code_size, hidden=(), activation="linear", output_activation="linear",
                      seed=0, dtype="float64"):
    """A built ``nn.Sequential``: d -> hidden... -> code_size -> ...hidden -> d.

    ``activation`` is used in the hidden layers and the code layer; the output layer uses
    ``output_activation`` (linear, or sigmoid for pixels in [0, 1]).  Compile it yourself.
    """
    input_dim, code_size = check_int("input_dim", input_dim), check_int("code_size", code_size)
    if code_size >= input_dim:
        raise ValueError(f"`code_size` must be smaller than `input_dim` ({input_dim}) to compress. "
                         f"Received: code_size={code_size}")
    hidden = [check_int("hidden", h) for h in hidden]
    layers = [nn.Dense(h, activation=activation) for h in hidden]
    layers.append(nn.Dense(code_size, activation=activation, name="code"))
    layers += [nn.Dense(h, activation=activation) for h in reversed(hidden)]
    layers.append(nn.Dense(input_dim, activation=output_activation, name="reconstruction"))
    return nn.Sequential(layers, seed=seed, dtype=dtype).build(input_dim)


def decoder_basis(model):
    """The rows of a linear decoder's kernel, transposed: a (d, k) matrix whose columns span its output subspace.

    Only meaningful for a linear autoencoder without hidden layers (code layer, then the output layer).
    """
    if len(model.layers) != 2:
        raise ValueError("`model` must be a linear autoencoder with two Dense layers (code, reconstruction); "
                         f"got {len(model.layers)} layers")
    return np.array(model.layers[-1].kernel.data, dtype=np.float64).T


def subspace_angles_to(basis, components):
    """Principal angles (radians, largest first) between span(basis columns) and span(components rows)."""
    from scipy.linalg import subspace_angles  # scipy is imported only when angles are asked for

    return subspace_angles(np.asarray(basis, dtype=np.float64), np.asarray(components, dtype=np.float64).T)
