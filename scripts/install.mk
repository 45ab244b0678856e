# SPDX-License-Identifier: GPL-2.0-or-later
# install.mk - make install / uninstall / install-list / deb (included by the
# Makefile like every */*.mk fragment).
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   binaries, man pages, the nightly
#                  job (hvscope-nightly, systemd unit + timer, cron example,
#                  sysusers.d/tmpfiles.d for the cron form), JSON schemas
#   make uninstall [PREFIX=...] [DESTDIR=]        remove exactly those files
#   make install-list [PREFIX=...]                the installed paths, one a line
#   make deb                                      ../hvscope_VERSION_ARCH.deb (debian/)
#
# Paths written into the installed files (the unit's ExecStart=, the cron
# line, hvscope-nightly's hvscope) are the final ones, PREFIX without
# DESTDIR, so a staged tree (DESTDIR) works once copied to /.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/hvscope
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/hvscope
COMPLETIONSDIR ?= $(PREFIX)/share/bash-completion/completions
# systemd's own directories under /usr (Debian 12: units in /lib/systemd/system),
# else below PREFIX (systemd also reads /usr/local/lib/systemd/system).
sd_var = $(or $(if $(filter /usr,$(PREFIX)),$(shell $(PKG_CONFIG) --variable=$(1) systemd 2>/dev/null)),$(2))
SYSTEMDUNITDIR ?= $(call sd_var,systemdsystemunitdir,$(PREFIX)/lib/systemd/system)
SYSUSERSDIR ?= $(call sd_var,sysusersdir,$(PREFIX)/lib/sysusers.d)
TMPFILESDIR ?= $(call sd_var,tmpfilesdir,$(PREFIX)/lib/tmpfiles.d)
# The cron form's state; the systemd unit's is StateDirectory= (/var/lib/hvscope-nightly).
STATEDIR ?= /var/lib/hvscope

INST := $(BUILD)/install
HVS_SUBST := sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
	-e 's|@STATEDIR@|$(STATEDIR)|g' -e 's|@UNITSTATEDIR@|/var/lib/hvscope-nightly|g' \
	-e 's|@SYSUSERSDIR@|$(SYSUSERSDIR)|g' -e 's|@TMPFILESDIR@|$(TMPFILESDIR)|g' \
	-e 's|@VERSION@|$(VERSION)|g' \
	-e 's|^HVSCOPE_DEFAULT=hvscope$$|HVSCOPE_DEFAULT=$(BINDIR)/hvscope|'
INST_GEN := $(INST)/hvscope-nightly $(INST)/hvscope-nightly.service $(INST)/hvscope-nightly.cron \
	$(INST)/hvscope.sysusers $(INST)/hvscope.tmpfiles

# What is installed: MODE:SOURCE:PATH (PATH without DESTDIR), or
# link:TARGET:PATH for a symbolic link. uninstall and install-list read the
# same list.
HVS_MAN1 := $(sort $(wildcard man/*.1))
HVS_SCHEMAS := $(sort $(wildcard results-schema/*.json))
HVS_FLEET := $(sort $(wildcard scripts/fleet/*.yml scripts/fleet/*.ini))
HVS_INSTALL := \
	755:$(BIN)/hvscope:$(BINDIR)/hvscope \
	755:$(BIN)/hvscope-static:$(BINDIR)/hvscope-static \
	755:$(INST)/hvscope-nightly:$(BINDIR)/hvscope-nightly \
	$(foreach m,$(HVS_MAN1),644:$(m):$(MANDIR)/man1/$(notdir $(m))) \
	link:hvscope.1:$(MANDIR)/man1/hvscope-static.1 \
	644:$(INST)/hvscope-nightly.service:$(SYSTEMDUNITDIR)/hvscope-nightly.service \
	644:scripts/hvscope-nightly.timer:$(SYSTEMDUNITDIR)/hvscope-nightly.timer \
	644:$(INST)/hvscope.sysusers:$(SYSUSERSDIR)/hvscope.conf \
	644:$(INST)/hvscope.tmpfiles:$(TMPFILESDIR)/hvscope.conf \
	644:$(INST)/hvscope-nightly.cron:$(DOCDIR)/examples/hvscope-nightly.cron \
	$(foreach s,$(HVS_SCHEMAS),644:$(s):$(DATADIR)/results-schema/$(notdir $(s))) \
	$(foreach f,$(HVS_FLEET),644:$(f):$(DATADIR)/fleet/$(notdir $(f))) \
	644:$(BUILD)/hvscope.bash-completion:$(COMPLETIONSDIR)/hvscope
# The bash completion is generated from the option tables (`hvscope
# completion bash`) by the rule that `all` depends on.

# Directories that are hvscope's own: uninstall removes them when empty.
HVS_OWN_DIRS := $(DATADIR)/results-schema $(DATADIR)/fleet $(DATADIR) $(DOCDIR)/examples $(DOCDIR)

.PHONY: install uninstall install-list deb

# Regenerated when the paths change (the same FORCE + cmp as version.h).
$(INST)/%: FORCE
	@mkdir -p $(@D)
	@src=$(firstword $(wildcard scripts/$*.in scripts/$* $(if $(filter hvscope-nightly,$*),scripts/nightly.sh))); \
	$(HVS_SUBST) "$$src" > $@.new && { cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@; }

install: all $(INST_GEN)
	$(quiet) INSTALL '$(DESTDIR)$(PREFIX)'
	$(Q)set -e; for e in $(HVS_INSTALL); do \
		mode=$${e%%:*}; rest=$${e#*:}; src=$${rest%%:*}; dst='$(DESTDIR)'$${rest#*:}; \
		if [ "$$mode" = link ]; then \
			install -d -m 755 "$$(dirname "$$dst")"; ln -sfn "$$src" "$$dst"; \
		else \
			install -D -m "$$mode" "$$src" "$$dst"; \
		fi; \
	done

uninstall:
	$(quiet) RM '$(DESTDIR)$(PREFIX)'
	$(Q)for e in $(HVS_INSTALL); do rm -f '$(DESTDIR)'$${e#*:*:}; done
	$(Q)for d in $(HVS_OWN_DIRS); do rmdir '$(DESTDIR)'"$$d" 2>/dev/null || true; done

install-list:
	@for e in $(HVS_INSTALL); do echo "$${e#*:*:}"; done | sort

# The Debian binary package, built by debian/rules (dpkg-buildpackage); the
# .deb lands in the parent directory, as dpkg-buildpackage puts it.
deb:
	dpkg-buildpackage -b -us -uc
