import { describeServiceBasics } from '@mlops/testing';

describeServiceBasics('training');
