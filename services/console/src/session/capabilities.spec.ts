import { capabilities } from './capabilities';
import { signInReason } from './session.http-controller';

describe('capabilities', () => {
  it('offers each change only to the roles the access table gives it', () => {
    expect(capabilities('val', ['viewer'])).toEqual({ setAlias: false, approveVersion: false, pauseDeployment: false, resumeDeployment: false, promoteDeployment: false, rollbackDeployment: false, readAuditLog: false });
    expect(capabilities('eve', ['engineer'])).toMatchObject({ pauseDeployment: true, rollbackDeployment: true, promoteDeployment: false, setAlias: false, readAuditLog: false });
    expect(capabilities('amy', ['approver'])).toMatchObject({ promoteDeployment: true, setAlias: true, approveVersion: true, readAuditLog: true, pauseDeployment: false });
    expect(Object.values(capabilities('root', ['admin'])).every(Boolean)).toBe(true);
  });

  it('never offers a service identity a change outside its list', () => {
    expect(capabilities('service:serving', ['approver'])).toMatchObject({ setAlias: true, promoteDeployment: false, approveVersion: false });
  });
});

describe('signInReason', () => {
  it('says expired tokens are expired, and nothing about why others fail', () => {
    expect(signInReason('expired')).toMatch(/expired/);
    expect(signInReason('bad-signature')).toBe(signInReason('unknown-key'));
    expect(signInReason('missing')).toBe('no token was given');
  });
});
