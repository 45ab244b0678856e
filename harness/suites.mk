# suites.mk - compile harness/suites.conf into hvscope as a C string
# ($(BUILD)/gen/suites_conf.h), so the static binary carries its suites.

$(BUILD)/gen/suites_conf.h: harness/suites.conf
	@mkdir -p $(@D)
	$(quiet) GEN $@
	$(Q)sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@.new && mv $@.new $@

$(BUILD)/dyn/harness/suite.o $(STATIC_OBJDIR)/harness/suite.o: $(BUILD)/gen/suites_conf.h
