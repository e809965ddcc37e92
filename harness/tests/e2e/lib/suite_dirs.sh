# suite_dirs.sh: which fixture directories are the Rugo suite, for the e2e
# tests. Sourced, never run.
#
# rugo_suite_dirs [DIR...]: the directories `make suite` runs (every
# fixtures/*/ but selftest, whose cases fail on purpose, and linux, whose
# guest and base group linux_group.sh builds and tests, and ktap, whose
# KTAP cases fail on purpose for ktap_results.sh), without the given
# ones (e.g. fixtures/sched), space-separated. The Makefile's SUITE_DIRS
# says the same for make.
rugo_suite_dirs() {
	for d in fixtures/*/; do
		d=${d%/}
		case " fixtures/selftest fixtures/linux fixtures/ktap $* " in *" $d "*) continue ;; esac
		printf '%s ' "$d"
	done
}
