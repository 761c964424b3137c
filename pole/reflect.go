package pole

import "reflect"

func reflectTypeOfMoment() reflect.Type { return reflect.TypeFor[Moment]() }
