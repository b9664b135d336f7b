"""The PyTorch side, run live: :mod:`course_lib.torch_check` calls it when PyTorch is installed, and
``tools/make_torch_check.py`` stores what it returns.  ``torch`` is imported inside the functions, so
importing this module (as a scan of ``course_lib`` does) never loads PyTorch."""
from __future__ import annotations

import time

import numpy as np

from ._cases import CASES, STEPS, TRAINING
from ._problem import fidelity_problem


def trajectory(name):
    """Parameters after steps 0..STEPS of ``torch.optim.<case>`` on the fidelity problem (float64)."""
    case = CASES[name]
    return run(case.torch_name, case.torch_kwargs, case.scale)


def run(torch_name, torch_kwargs, scale=1.0):
    """Parameters after steps 0..STEPS of ``torch.optim.<torch_name>(**torch_kwargs)`` on the fidelity problem."""
    import torch

    X, t, w0 = (torch.tensor(a, dtype=torch.float64) for a in fidelity_problem())
    w = torch.nn.Parameter(w0.clone())
    opt = getattr(torch.optim, torch_name)([w], **torch_kwargs)
    path = [w.detach().numpy().copy()]
    for _ in range(STEPS):
        opt.zero_grad()                                                 # clear last step's .grad
        z = X @ w
        loss = scale * torch.mean(torch.logaddexp(torch.zeros_like(z), z) - t * z)
        loss.backward()                                                 # w.grad = dloss/dw
        opt.step()                                                      # the optimizer's update
        path.append(w.detach().numpy().copy())
    return np.array(path).tolist()


def train_logistic(X_train, y_train, X_test, y_test, epochs=TRAINING["epochs"],
                   batch_size=TRAINING["batch_size"], lr=TRAINING["lr"], momentum=TRAINING["momentum"],
                   seed=TRAINING["seed"]):
    """Logistic regression in PyTorch: torch.optim.SGD with momentum and a cosine lr_scheduler.

    Returns per-epoch training loss and learning rate, the test accuracy and seconds per epoch.
    """
    import torch

    torch.manual_seed(seed)                                   # the same initial weights and batches
    Xtr = torch.tensor(X_train, dtype=torch.float32)
    ytr = torch.tensor(y_train, dtype=torch.float32)
    model = torch.nn.Linear(Xtr.shape[1], 1)
    loss_fn = torch.nn.BCEWithLogitsLoss()                    # sigmoid + cross-entropy, from logits
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)   # lr per epoch
    losses, lrs = [], []
    start = time.perf_counter()
    for _ in range(epochs):
        lrs.append(sched.get_last_lr()[0])
        total = 0.0
        for idx in torch.randperm(len(Xtr)).split(batch_size):
            opt.zero_grad()
            loss = loss_fn(model(Xtr[idx]).squeeze(1), ytr[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()                                          # once per epoch
        losses.append(total / len(Xtr))
    seconds = (time.perf_counter() - start) / epochs
    with torch.no_grad():
        logits = model(torch.tensor(X_test, dtype=torch.float32)).squeeze(1)
    accuracy = float(((logits > 0).numpy().astype(int) == np.asarray(y_test)).mean())
    return {"loss": losses, "lr": lrs, "test_accuracy": accuracy, "seconds_per_epoch": seconds}
