"""Reverse-mode automatic differentiation over numpy arrays.

A :class:`Tensor` wraps a numpy array.  Every operation on tensors records, for
each of its inputs, a small *vector-Jacobian product* (VJP): given the gradient
``g`` of a scalar loss with respect to the operation's output, it returns the
gradient with respect to that input.  ``loss.backward()`` visits the recorded
graph from the loss back to the leaves (reverse topological order) and applies
the chain rule:

    dL/dx = sum over every use u of x:  VJP_u(dL/d(output of u))

This is micrograd's idea, vectorized: a node is a whole array, not one number.

Conventions
-----------
* dtype follows numpy: float32 stays float32.  A Python scalar mixed with a
  float32 tensor stays float32 (numpy's NEP 50 rules), so ``2.0 * x`` does not
  upcast.
* Broadcasting is allowed everywhere numpy allows it; the gradient of a
  broadcast input is summed back to the input's shape (:func:`unbroadcast`).
* Where a function has a kink (``maximum``, ``relu``, ``abs``, ``clip``), the
  gradient chosen at the kink is TensorFlow's, so that our gradients equal
  ``tf.GradientTape``'s exactly (e.g. ``maximum(a, b)`` sends the gradient to
  ``a`` when ``a >= b``).
* ``x.grad`` accumulates over ``backward()`` calls on leaves (tensors created
  by the user), like PyTorch; call ``x.zero_grad()`` between steps.

Example::

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> loss = (x ** 2).sum()
    >>> loss.backward()
    >>> x.grad
    array([2., 4., 6.])
    >>> grad(lambda w: (w ** 3).sum())(np.array([1.0, 2.0]))
    array([ 3., 12.])
"""
from __future__ import annotations

import builtins
import contextlib
import numbers

import numpy as np

__all__ = [
    "Tensor", "grad", "value_and_grad", "no_grad", "unbroadcast", "as_tensor", "array_of",
    "add", "subtract", "multiply", "divide", "power", "getitem",
    "exp", "log", "log1p", "sqrt", "square", "abs", "maximum", "minimum", "relu",
    "sigmoid", "tanh", "softplus", "softmax", "log_softmax", "clip",
    "concatenate", "where", "matmul", "sum", "mean", "max", "reshape", "transpose",
]

_GRAD_ENABLED = True


@contextlib.contextmanager
def no_grad():
    """Inside ``with no_grad():`` operations record no graph (cheaper evaluation).

    Mirrors ``torch.no_grad`` / working outside ``tf.GradientTape``.
    """
    global _GRAD_ENABLED
    previous, _GRAD_ENABLED = _GRAD_ENABLED, False
    try:
        yield
    finally:
        _GRAD_ENABLED = previous


class Tensor:
    """A numpy array that remembers how it was computed, so gradients can flow back.

    Attributes: ``data`` (the numpy array), ``grad`` (numpy array of the same shape
    after ``backward``, else ``None``), ``requires_grad``.  Mirrors the role of
    ``tf.Variable`` watched by ``tf.GradientTape``.
    """

    __array_ufunc__ = None  # so numpy_array + tensor calls Tensor.__radd__

    def __init__(self, data, requires_grad=False):
        if isinstance(data, Tensor):
            data = data.data
        self.data = np.asarray(data)
        if requires_grad and not np.issubdtype(self.data.dtype, np.floating):
            raise TypeError(
                "requires_grad=True needs a floating-point array; "
                f"got dtype {self.data.dtype}. Convert with .astype(np.float64)."
            )
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self._parents = ()  # the tensors this one was computed from
        self._vjps = ()     # one function g -> dL/dparent per parent

    # ------------------------------------------------------------- basics
    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        flag = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({np.array2string(self.data, precision=4)}{flag})"

    def numpy(self):
        """The underlying numpy array (no copy)."""
        return self.data

    def item(self):
        return self.data.item()

    def __float__(self):
        return float(self.data)

    def zero_grad(self):
        """Forget the accumulated gradient."""
        self.grad = None

    def detach(self):
        """Same values, cut from the graph (no gradient flows through)."""
        return Tensor(self.data)

    def astype(self, dtype):
        """Cast; the gradient is cast back to this tensor's dtype."""
        return _make(self.data.astype(dtype), (self,), (lambda g: g,))

    # ------------------------------------------------------------- backward
    def backward(self, gradient=None):
        """Compute d(self)/d(leaf) for every leaf that requires a gradient.

        ``gradient`` is the seed dL/d(self); it may be omitted only when ``self``
        holds a single number (a scalar loss), where it defaults to 1.
        """
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    "backward() without a seed gradient needs a scalar tensor; this "
                    f"tensor has shape {self.shape}. Reduce it first (e.g. .sum() or "
                    ".mean()) or pass gradient= an array of that shape."
                )
            gradient = np.ones_like(self.data)
        else:
            gradient = np.asarray(gradient, dtype=self.dtype)
            if gradient.shape != self.shape:
                raise ValueError(
                    f"backward(gradient=...) needs shape {self.shape} (the tensor's "
                    f"shape); got {gradient.shape}."
                )
        grads = {id(self): gradient}
        for node in reversed(_topological_order(self)):
            g = grads.pop(id(node))
            if not node._parents:  # a leaf: accumulate, as PyTorch does
                node.grad = g if node.grad is None else node.grad + g
                continue
            node.grad = g  # intermediate results keep their gradient to inspect
            for parent, vjp in zip(node._parents, node._vjps):
                if parent.requires_grad:
                    pg = unbroadcast(vjp(g), parent.shape).astype(parent.dtype, copy=False)
                    key = id(parent)
                    grads[key] = pg if key not in grads else grads[key] + pg

    # ------------------------------------------------------------- operators
    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return subtract(self, other)

    def __rsub__(self, other):
        return subtract(other, self)

    def __mul__(self, other):
        return multiply(self, other)

    def __rmul__(self, other):
        return multiply(other, self)

    def __truediv__(self, other):
        return divide(self, other)

    def __rtruediv__(self, other):
        return divide(other, self)

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __pow__(self, other):
        return power(self, other)

    def __rpow__(self, other):
        return power(other, self)

    def __neg__(self):
        return _make(-self.data, (self,), (lambda g: -g,))

    def __pos__(self):
        return self

    def __getitem__(self, index):
        return getitem(self, index)

    # Comparisons give plain boolean arrays (no gradient): handy for `where`.
    def __lt__(self, other):
        return self.data < array_of(other)

    def __le__(self, other):
        return self.data <= array_of(other)

    def __gt__(self, other):
        return self.data > array_of(other)

    def __ge__(self, other):
        return self.data >= array_of(other)

    # ------------------------------------------------------------- methods
    def sum(self, axis=None, keepdims=False):
        return sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return max(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return reshape(self, shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return transpose(self, axes or None)

    @property
    def T(self):
        return transpose(self)

    def exp(self):
        return exp(self)

    def log(self):
        return log(self)

    def sqrt(self):
        return sqrt(self)

    def abs(self):
        return abs(self)

    def relu(self):
        return relu(self)

    def sigmoid(self):
        return sigmoid(self)

    def tanh(self):
        return tanh(self)


# ----------------------------------------------------------------- plumbing
def array_of(x):
    """The numpy array inside a Tensor; anything else is returned as it is."""
    return x.data if isinstance(x, Tensor) else x


def as_tensor(x, like=None):
    """Wrap ``x`` in a constant Tensor (Tensors pass through unchanged).

    A Python number takes the dtype numpy would give it next to ``like``
    (so ``float32 tensor * 0.5`` stays float32).
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, numbers.Number) and like is not None:
        return Tensor(np.asarray(x, dtype=np.result_type(array_of(like), x)))
    return Tensor(x)


def _make(data, parents, vjps):
    """Create the output tensor of an operation and record its VJPs."""
    out = Tensor(data)
    if _GRAD_ENABLED and any(p.requires_grad for p in parents):
        out.requires_grad = True
        out._parents = tuple(parents)
        out._vjps = tuple(vjps)
    return out


def _binary(a, b):
    """Both operands as Tensors; a Python number adopts the other side's dtype."""
    return as_tensor(a, like=b), as_tensor(b, like=a)


def _topological_order(root):
    """Nodes that require a gradient, each after all the nodes it depends on."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:  # iterative DFS: deep graphs must not hit Python's recursion limit
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen or not node.requires_grad:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in node._parents)
    return order


def unbroadcast(g, shape):
    """Sum ``g`` down to ``shape``: the gradient of numpy broadcasting.

    If ``x`` of shape (3, 1) was broadcast to (5, 3, 4), each x[i, 0] was used
    5 * 4 times, so its gradient is the sum of g over those copies.
    """
    g = np.asarray(g)
    if g.shape == tuple(shape):
        return g
    extra = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(extra))) if extra > 0 else g
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g.reshape(shape)


def _normalize_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(a % ndim if ndim else a for a in axes))


def _expand_reduced(g, ndim, axis, keepdims):
    """Re-insert the reduced axes of ``g`` (as size 1) so it broadcasts against x."""
    g = np.asarray(g)
    if keepdims:
        return g
    if axis is None:
        return g.reshape((1,) * ndim)
    return np.expand_dims(g, _normalize_axis(axis, ndim))


# ----------------------------------------------------------------- arithmetic
def add(a, b):
    """a + b;  dL/da = g,  dL/db = g  (summed over broadcast axes)."""
    a, b = _binary(a, b)
    return _make(a.data + b.data, (a, b), (lambda g: g, lambda g: g))


def subtract(a, b):
    """a - b;  dL/da = g,  dL/db = -g."""
    a, b = _binary(a, b)
    return _make(a.data - b.data, (a, b), (lambda g: g, lambda g: -g))


def multiply(a, b):
    """a * b;  dL/da = g b,  dL/db = g a."""
    a, b = _binary(a, b)
    return _make(a.data * b.data, (a, b), (lambda g: g * b.data, lambda g: g * a.data))


def divide(a, b):
    """a / b;  dL/da = g / b,  dL/db = -g a / b^2."""
    a, b = _binary(a, b)
    return _make(
        a.data / b.data, (a, b),
        (lambda g: g / b.data, lambda g: -g * a.data / (b.data * b.data)),
    )


def power(a, b):
    """a ** b;  dL/da = g b a^(b-1),  dL/db = g a^b log(a)."""
    a, b = _binary(a, b)
    out = a.data ** b.data

    def vjp_b(g):
        with np.errstate(divide="ignore", invalid="ignore"):  # log(0) when a == 0
            return g * out * np.where(a.data > 0, np.log(np.where(a.data > 0, a.data, 1)), 0)

    return _make(out, (a, b), (lambda g: g * b.data * a.data ** (b.data - 1), vjp_b))


def square(x):
    """x^2;  dL/dx = 2 g x.  (Mirrors keras.ops.square.)"""
    x = as_tensor(x)
    return _make(x.data * x.data, (x,), (lambda g: g * 2 * x.data,))


def matmul(a, b):
    """Matrix product a @ b (numpy's rules for 1-D and batched operands).

    dL/da = g @ b^T,  dL/db = a^T @ g.
    """
    a, b = _binary(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul needs operands of rank >= 1; got shapes {a.shape} and {b.shape}.")
    inner_a = a.shape[-1]
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if inner_a != inner_b:
        raise ValueError(
            f"matmul shape mismatch: a has shape {a.shape} and b has shape {b.shape}; "
            f"a's last axis ({inner_a}) must equal b's "
            f"{'only' if b.ndim == 1 else 'second-to-last'} axis ({inner_b})."
        )
    # Promote 1-D operands to matrices so one formula covers every case.
    a2 = a.data[None, :] if a.ndim == 1 else a.data
    b2 = b.data[:, None] if b.ndim == 1 else b.data

    def g2(g):  # the output gradient with the promoted axes put back
        g = g[..., None] if b.ndim == 1 else g
        return g[..., None, :] if a.ndim == 1 else g

    def vjp_a(g):
        ga = g2(g) @ np.swapaxes(b2, -1, -2)
        return unbroadcast(ga, a2.shape).reshape(a.shape) if a.ndim > 1 else unbroadcast(ga, a2.shape)[0]

    def vjp_b(g):
        gb = np.swapaxes(a2, -1, -2) @ g2(g)
        return unbroadcast(gb, b2.shape).reshape(b.shape) if b.ndim > 1 else unbroadcast(gb, b2.shape)[:, 0]

    return _make(a.data @ b.data, (a, b), (vjp_a, vjp_b))


# ----------------------------------------------------------------- reductions
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis``;  every summed element gets the gradient g."""
    x = as_tensor(x)
    return _make(
        np.sum(x.data, axis=axis, keepdims=keepdims), (x,),
        (lambda g: np.broadcast_to(_expand_reduced(g, x.ndim, axis, keepdims), x.shape),),
    )


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``;  every element gets g / n (n = number averaged)."""
    x = as_tensor(x)
    out = np.mean(x.data, axis=axis, keepdims=keepdims)
    n = x.size // builtins.max(out.size, 1)
    return _make(
        out, (x,),
        (lambda g: np.broadcast_to(_expand_reduced(g, x.ndim, axis, keepdims) / n, x.shape),),
    )


def max(x, axis=None, keepdims=False):
    """Maximum over ``axis``;  the gradient is shared equally by tied maxima.

    (Mirrors the gradient of tf.reduce_max / keras.ops.max on TensorFlow.)
    """
    x = as_tensor(x)
    out = np.max(x.data, axis=axis, keepdims=keepdims)

    def vjp(g):
        is_max = x.data == _expand_reduced(out, x.ndim, axis, keepdims)
        count = np.sum(is_max, axis=axis, keepdims=True)
        return _expand_reduced(g, x.ndim, axis, keepdims) * is_max / count

    return _make(out, (x,), (vjp,))


# ----------------------------------------------------------------- elementwise
def exp(x):
    """e^x;  dL/dx = g e^x."""
    x = as_tensor(x)
    out = np.exp(x.data)
    return _make(out, (x,), (lambda g: g * out,))


def log(x):
    """Natural log;  dL/dx = g / x."""
    x = as_tensor(x)
    return _make(np.log(x.data), (x,), (lambda g: g / x.data,))


def log1p(x):
    """log(1 + x), accurate for tiny x;  dL/dx = g / (1 + x)."""
    x = as_tensor(x)
    return _make(np.log1p(x.data), (x,), (lambda g: g / (1 + x.data),))


def sqrt(x):
    """Square root;  dL/dx = g / (2 sqrt(x))."""
    x = as_tensor(x)
    out = np.sqrt(x.data)
    return _make(out, (x,), (lambda g: g * 0.5 / out,))


def abs(x):
    """|x|;  dL/dx = g sign(x)  (0 at x = 0, as TensorFlow)."""
    x = as_tensor(x)
    return _make(np.abs(x.data), (x,), (lambda g: g * np.sign(x.data),))


def maximum(a, b):
    """Elementwise max;  the gradient goes to ``a`` where a >= b, else to ``b`` (TF's rule)."""
    a, b = _binary(a, b)
    pick_a = a.data >= b.data
    return _make(np.maximum(a.data, b.data), (a, b),
                 (lambda g: g * pick_a, lambda g: g * ~pick_a))


def minimum(a, b):
    """Elementwise min;  the gradient goes to ``a`` where a <= b, else to ``b`` (TF's rule)."""
    a, b = _binary(a, b)
    pick_a = a.data <= b.data
    return _make(np.minimum(a.data, b.data), (a, b),
                 (lambda g: g * pick_a, lambda g: g * ~pick_a))


def clip(x, min_value, max_value):
    """Clamp to [min_value, max_value];  the gradient passes where min <= x <= max.

    Mirrors keras.ops.clip / tf.clip_by_value (bounds inclusive for the gradient).
    """
    x = as_tensor(x)
    lo = np.asarray(min_value, dtype=np.result_type(x.data, min_value))
    hi = np.asarray(max_value, dtype=np.result_type(x.data, max_value))
    inside = (x.data >= lo) & (x.data <= hi)
    return _make(np.clip(x.data, lo, hi).astype(x.dtype, copy=False), (x,), (lambda g: g * inside,))


def relu(x):
    """max(x, 0);  dL/dx = g where x > 0, else 0."""
    x = as_tensor(x)
    return _make(np.maximum(x.data, 0), (x,), (lambda g: g * (x.data > 0),))


def sigmoid(x):
    """1 / (1 + e^-x), computed without overflow;  dL/dx = g s (1 - s)."""
    x = as_tensor(x)
    e = np.exp(-np.abs(x.data))  # in (0, 1]: never overflows
    out = np.where(x.data >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
    return _make(out, (x,), (lambda g: g * out * (1 - out),))


def tanh(x):
    """Hyperbolic tangent;  dL/dx = g (1 - tanh(x)^2)."""
    x = as_tensor(x)
    out = np.tanh(x.data)
    return _make(out, (x,), (lambda g: g * (1 - out * out),))


def softplus(x):
    """log(1 + e^x) = max(x, 0) + log(1 + e^-|x|)  (no overflow);  dL/dx = g sigmoid(x)."""
    x = as_tensor(x)
    out = np.maximum(x.data, 0) + np.log1p(np.exp(-np.abs(x.data)))
    return _make(out, (x,), (lambda g: g * sigmoid(x.data).data,))


def softmax(x, axis=-1):
    """softmax(x)_i = e^(x_i - max x) / sum_j e^(x_j - max x)  (shifted: no overflow).

    dL/dx = s * (g - sum(g * s)).  Mirrors keras.ops.softmax.
    """
    x = as_tensor(x)
    shifted = x.data - np.max(x.data, axis=axis, keepdims=True)
    e = np.exp(shifted)
    s = e / np.sum(e, axis=axis, keepdims=True)
    return _make(s, (x,), (lambda g: s * (g - np.sum(g * s, axis=axis, keepdims=True)),))


def log_softmax(x, axis=-1):
    """log softmax(x) = (x - max x) - log sum_j e^(x_j - max x).

    dL/dx = g - softmax(x) * sum(g).  Mirrors keras.ops.log_softmax.
    """
    x = as_tensor(x)
    shifted = x.data - np.max(x.data, axis=axis, keepdims=True)
    out = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return _make(out, (x,), (lambda g: g - np.exp(out) * np.sum(g, axis=axis, keepdims=True),))


def where(condition, a, b):
    """Pick ``a`` where condition is true, else ``b``;  each side gets g where it was picked."""
    cond = np.asarray(array_of(condition), dtype=bool)
    a, b = _binary(a, b)
    return _make(np.where(cond, a.data, b.data), (a, b),
                 (lambda g: g * cond, lambda g: g * ~cond))


# ----------------------------------------------------------------- shapes
def reshape(x, shape):
    """Same values, new shape;  the gradient is reshaped back."""
    x = as_tensor(x)
    return _make(np.reshape(x.data, shape), (x,), (lambda g: np.reshape(g, x.shape),))


def transpose(x, axes=None):
    """Permute axes (reverse them by default);  the gradient is permuted back."""
    x = as_tensor(x)
    inverse = None if axes is None else np.argsort(axes)
    return _make(np.transpose(x.data, axes), (x,), (lambda g: np.transpose(g, inverse),))


def getitem(x, index):
    """x[index] (slices, integer arrays, masks);  the gradient is scattered back.

    ``np.add.at`` adds (instead of overwriting) when an integer index repeats,
    so x[[0, 0]] sends twice the gradient to x[0].
    """
    x = as_tensor(x)
    if isinstance(index, tuple):
        index = tuple(array_of(i) for i in index)
    else:
        index = array_of(index)

    def vjp(g):
        out = np.zeros_like(x.data)
        np.add.at(out, index, g)
        return out

    return _make(x.data[index], (x,), (vjp,))


def concatenate(tensors, axis=0):
    """Join along ``axis``;  each input gets its slice of the gradient."""
    tensors = [as_tensor(t) for t in tensors]
    sizes = np.cumsum([t.shape[axis] for t in tensors])[:-1]
    data = np.concatenate([t.data for t in tensors], axis=axis)

    def vjp_for(i):
        return lambda g: np.split(g, sizes, axis=axis)[i]

    return _make(data, tensors, [vjp_for(i) for i in range(len(tensors))])


# ----------------------------------------------------------------- grad
def value_and_grad(f, argnums=0):
    """Like :func:`grad`, but the returned function gives ``(f(*args), gradients)``."""
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)

    def wrapped(*args, **kwargs):
        for i in nums:
            if i >= len(args):
                raise ValueError(f"argnums={argnums} but f was called with {len(args)} positional arguments.")
        args = list(args)
        watched = {}
        for i in nums:
            data = np.asarray(array_of(args[i]))
            if not np.issubdtype(data.dtype, np.floating):
                data = data.astype(np.float64)  # gradients need floats
            watched[i] = args[i] = Tensor(data.copy(), requires_grad=True)
        out = f(*args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"f must return a Tensor built from its inputs; got {type(out).__name__}.")
        out.backward()
        grads = tuple(
            watched[i].grad if watched[i].grad is not None else np.zeros_like(watched[i].data)
            for i in nums
        )
        return out.data, grads[0] if single else grads

    return wrapped


def grad(f, argnums=0):
    """Return a function computing df/d(args[argnums]) as numpy arrays.

    ``f`` must return a scalar Tensor.  ``argnums`` is an int (one gradient) or a
    tuple (a tuple of gradients).  Mirrors ``jax.grad``; TensorFlow's equivalent
    is ``tf.GradientTape().gradient(f(x), x)``.
    """
    vg = value_and_grad(f, argnums)
    return lambda *args, **kwargs: vg(*args, **kwargs)[1]
