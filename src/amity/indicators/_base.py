"""What every indicator module needs: the release of a source to compute from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from amity._exceptions import MissingDataError

if TYPE_CHECKING:
    from amity.store import Store


def resolve_release(store: Store, source: str, release: str | None) -> str:
    """``release`` if ``source`` has it in the store; without one, the source's default.

    Raises
    ------
    MissingDataError
        The source, or that release of it, is not in the store; the message names the
        ``amity setup`` step.
    """
    releases = store.releases(source)
    if release is None:
        if not releases:
            raise MissingDataError(f"no {source} data in the store. Fix: run `amity setup "
                                   f"--source {source}`")
        return releases[0]
    if release not in releases:
        raise MissingDataError(f"{source} release {release!r} is not in the store (have "
                               f"{releases or 'none'}). Fix: run `amity setup --source {source}`")
    return release
