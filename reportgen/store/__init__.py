"""The owner of what reportgen keeps on disk, and of every content key.

Every path is in paths.py; every file is written, moved or removed by one of these modules,
each for one part of the disk:

    run_files.py        what a run's folder holds (model, predictions, metrics), its checkpoint
    run_folders.py      runs/: the folders, their manifests, locks, .partial and .corrupt
    section_folders.py  build/measured and build/sections (and clean's part of build/)
    fingerprints.py     the data fingerprint cache (fingerprints.json, parsed arrays)
    font_files.py       the font cache (subset and full faces)
    outputs.py          Report.pdf, Report.html, submission.csv, and what `init` writes

keys.py makes every content key (content_key) and digests the code a key covers. The rest of
reportgen computes and hands these modules what to keep: training returns its model, arrays
and metrics, a question its measurement and its presented section, rendering its PDF and
HTML. files.py keeps the atomic helpers they use. tests/rules/test_disk_owner.py checks that no
other module writes or deletes.
"""
