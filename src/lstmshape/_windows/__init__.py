"""The face of the library: ``windows()`` and the ``Windows`` object."""
