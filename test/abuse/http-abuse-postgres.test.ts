import { abuseSuite } from './http-abuse-suite.js';

abuseSuite('postgres');
