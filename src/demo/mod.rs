//! Synthetic example calls with planted patterns, in the generic or the vici-lgs-omc layout.
