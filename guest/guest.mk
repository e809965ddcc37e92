# guest/guest.mk: placeholder until Rugo M0 lands (owned by the guest).
.PHONY: guest
guest:
