import { describeServiceBasics } from '@mlops/testing';

describeServiceBasics('registry');
