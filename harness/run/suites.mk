# SPDX-License-Identifier: GPL-2.0-or-later
# suites.mk - compile harness/run/suites.conf into hvscope as a C string
# ($(BUILD)/gen/suites_conf.h), so the static binary carries its suites.

$(BUILD)/gen/suites_conf.h: harness/run/suites.conf
	@mkdir -p $(@D)
	$(quiet) GEN $@
	$(Q)sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@.new && mv $@.new $@

$(BUILD)/dyn/harness/run/suite.o $(STATIC_OBJDIR)/harness/run/suite.o: $(BUILD)/gen/suites_conf.h
