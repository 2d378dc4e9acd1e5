// Package follow reads log files line by line: a Follower that keeps up with
// a growing file through every common form of rotation, and one-shot readers
// (ReadFile, ReadStream) for finished files, gzip archives and pipes. All of
// them share one line splitter, so a line means the same thing everywhere:
// the bytes up to "\n", without the "\n" or a "\r" before it, cut to
// Options.MaxLine bytes when longer.
//
// # Following through rotation
//
// A Follower reads its file to the end, keeping an unterminated last line
// back until its newline arrives, and then compares what the path names now
// (os.Stat, which follows symlinks) with the file it has open (os.SameFile).
//
// When the path names another file, or nothing, the file was rotated: renamed
// away and recreated, deleted and recreated, or a symlink was pointed at a new
// target. A daemon goes on writing to its old descriptor until it is told to
// reopen (Postfix and rsyslog write for a while after the rename, until their
// HUP), so the Follower keeps reading the old file until nothing has been
// added to it for Options.Quiet, and only then opens the new file and reads it
// from offset 0. Lines of the old file therefore always come before lines of
// the new one, and none of either is lost or repeated, as long as the
// daemon's late writes to the old file do not pause for longer than Quiet.
// The new file is held open from the moment the rotation is seen, so a second
// rotation during the drain does not lose it.
//
// When the path still names the same file but it is now shorter than what was
// read, it was truncated in place (logrotate's copytruncate). Lines written
// after the Follower's last read and before the truncation live on only in
// the copy, so the Follower first looks beside the file for that copy
// (name.1, name.0 or name-YYYYMMDD, newest first), checks that its bytes just
// before the Follower's offset are the bytes it read, reads the copy from
// that offset to its end, and then reads the truncated file from offset 0.
// Lines written between logrotate's copy and its truncate exist nowhere and
// are lost; rename rotation with a postrotate HUP avoids that window.
//
// When the Follower has to leave a file whose last line never got its
// newline (the old file after rotation, a copy, a truncated file), that line
// is delivered as it is: nothing more will be appended to it.
//
// Where reading starts is decided at the first look (the first Step, which
// Run makes at once): the end of the file (the start of a last line still
// being written), offset 0 with Options.FromStart, or a backfill cutoff with
// Options.Since. A path that does not exist at that look is waited for and
// read from offset 0 when it appears. A file that exists but cannot be read
// then is read, once it can, from where it ended at that first look. Errors
// such as permission denied are reported in Status and retried on every
// poll. Nothing is ever printed: the package runs under a
// full-screen terminal UI.
//
// Run is woken by fsnotify events on the file's directory (and on the
// directory of a symlink's target), so it normally sits at the end of the
// file; a poll every Options.Poll is the safety net for file systems without
// events. A write after a quiet spell is read 20ms later, with the writes
// that follow it; a file written to all the time is read in bulk about ten
// times a second, however often its writer flushes. Step performs one such
// look without waiting, which is what tests use to play rotation scenarios
// deterministically.
package follow
