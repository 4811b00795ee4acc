import { describeServiceBasics } from '@mlops/testing';

describeServiceBasics('monitoring');
