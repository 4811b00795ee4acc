import { describeServiceBasics } from '@mlops/testing';

describeServiceBasics('serving');
