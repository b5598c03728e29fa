"""build.py: replacing the site folder."""
from generator.build import remove_tree


def test_removing_an_old_site_deletes_everything_in_it_and_nothing_a_link_points_to(tmp_path):
    """build.remove_tree (the old site after the swap, the kept index) removes files by several
    threads: like shutil.rmtree, a link inside is removed, never followed."""
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "keep.txt").write_text("x", encoding="utf-8")
    old = tmp_path / ".site-old-1"
    for i in range(300):
        page = old / "cases" / f"XA-2016-{i:03}"
        page.mkdir(parents=True)
        (page / "index.html").write_text("页面", encoding="utf-8")
    (old / "linked-folder").symlink_to(outside, target_is_directory=True)
    (old / "cases" / "linked-file").symlink_to(outside / "deep" / "keep.txt")
    remove_tree(old)
    assert not old.exists() and not old.is_symlink()
    assert (outside / "deep" / "keep.txt").read_text(encoding="utf-8") == "x"
    remove_tree(tmp_path / "missing")  # nothing there: nothing to do, no error
