"""The owner of what reportgen keeps on disk (the project's catalog).

Every path is in paths.py; every file is written, moved or removed by one of these modules,
each for one part of the disk:

    run_files.py     what a run's folder holds (model, predictions, metrics), its checkpoint
    runs.py          runs/: the folders, their manifests, locks, .partial and .corrupt
    sections.py      build/sections (and clean's part of build/)
    fingerprints.py  the data fingerprint cache (fingerprints.json, parsed arrays)
    font_files.py    the font cache (subset and full faces)
    outputs.py       Report.pdf, Report.html, submission.csv, and what `init` writes

The rest of reportgen computes and hands these modules what to keep: training returns its
model, arrays and metrics, rendering its PDF and HTML. reportgen/store/files.py keeps the atomic
helpers they use. tests/test_disk_owner.py checks that no other module writes or deletes.
"""
