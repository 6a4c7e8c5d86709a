// Each subcommand registers itself from its own file; import them here, one line each.
import './bench';
import './launch';
import './train';
import './evaluate';
import './predict';
export {};
